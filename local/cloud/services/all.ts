// The services' starts, in one module that local/cloud/index.ts imports once the synth's process is running: they
// load (the local SES, the identity provider, S3, the Step Functions runtime…) while the CDK app does.
export { createStore } from '#store/store.ts';
export { localRoutes } from '../local-routes.ts';
export { startMeter } from './dynamodb.ts';
export { publishEndpoints } from './endpoints.ts';
export { startFunctions } from './functions.ts';
export { startHttpApis } from './http-apis.ts';
export { startIdentity } from './identity.ts';
export { launcherOf, launchOnce } from './launch.ts';
export { startMail } from './mail.ts';
export { startS3 } from './s3.ts';
export { startSchedules } from './schedules.ts';
export { startSecrets } from './secrets.ts';
export { startStepFunctions } from './stepfunctions.ts';
export { createTables } from './tables.ts';
export { readTemplate } from './template.ts';
