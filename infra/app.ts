// The CDK app: the single source of truth that AWS deploys and the local cloud runs (ARCHITECTURE.md).
import { buildApp } from './build.ts';

buildApp().app.synth();
