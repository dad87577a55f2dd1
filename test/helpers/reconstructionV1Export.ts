/** The frozen single-detector reconstruction (reconstructionV1.ts) as one object, for the bitwise test. */
import { directIntegration, maximumLikelihood } from './reconstructionV1.ts';

export const reconstructionV1 = { directIntegration, maximumLikelihood };
