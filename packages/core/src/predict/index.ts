export { predictClasses, type ClassPrediction } from './predict-classes';
export { readPng } from './read-png';
