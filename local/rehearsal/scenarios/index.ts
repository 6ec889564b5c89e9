// The scenarios `pilotflow rehearse --scenario <name>` knows.
import type { Scenario } from '../scenario.ts';
import { defaultScenario } from './default.ts';

export const SCENARIOS: Record<string, Scenario> = { default: defaultScenario };
