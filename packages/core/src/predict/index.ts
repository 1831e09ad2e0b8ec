export { predictClasses, predictClassesAsync, type ClassPrediction } from './predict-classes';
export { readPng } from './read-png';
