import { Tracer } from '@aws-lambda-powertools/tracer';

/** X-Ray tracer; Powertools disables it outside Lambda, so local runs and tests pay nothing. */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hotline400' });
