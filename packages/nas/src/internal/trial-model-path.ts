/** The directory, relative to the search directory, where trial `id` may save its model. */
export const trialModelPath = (id: number) => `models/trial-${id}`;
