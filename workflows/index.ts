// The five state machines of PilotFlow, built from the same pieces: Launch, Implementation and Evaluation
// (one per stage), Pilot (the three stages as nested executions) and Programme (every pilot, then the summary).

import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { evaluationDefinition } from './evaluation.ts';
import { DEFAULT_HUMAN_TASK_TIMEOUT, Flow, type WorkflowFunctions } from './flow.ts';
import { implementationDefinition } from './implementation.ts';
import { launchDefinition } from './launch.ts';
import { WorkflowStateMachine } from './machine.ts';
import { pilotDefinition } from './pilot.ts';
import { programmeDefinition } from './programme.ts';

export interface PilotFlowWorkflowsProps {
  functions: WorkflowFunctions;
  /** How long a human task waits before its stage is reported stalled (default 120 days). */
  humanTaskTimeout?: Duration;
  /** How long the Programme waits for every pilot (default two years). */
  programmeTimeout?: Duration;
}

export class PilotFlowWorkflows extends Construct {
  readonly launch: WorkflowStateMachine;
  readonly implementation: WorkflowStateMachine;
  readonly evaluation: WorkflowStateMachine;
  readonly pilot: WorkflowStateMachine;
  readonly programme: WorkflowStateMachine;

  constructor(scope: Construct, id: string, props: PilotFlowWorkflowsProps) {
    super(scope, id);
    const humanTaskTimeout = props.humanTaskTimeout ?? DEFAULT_HUMAN_TASK_TIMEOUT;
    const flow = (
      machine: Construct,
      stage: ConstructorParameters<typeof Flow>[2]['stage'],
      pilotId?: string,
    ) =>
      new Flow(machine, 'States', {
        functions: props.functions,
        stage,
        humanTaskTimeout,
        ...(pilotId ? { pilotId } : {}),
      });
    this.launch = new WorkflowStateMachine(this, 'Launch', {
      name: 'Launch',
      invokes: Object.values(props.functions),
      comment:
        'Stage 1, launch (工作启动): mobilisation notice, acknowledgements, implementation plan and its review',
      definition: (s) => launchDefinition(flow(s, 'launch')),
    });
    this.implementation = new WorkflowStateMachine(this, 'Implementation', {
      name: 'Implementation',
      invokes: Object.values(props.functions),
      comment: 'Stage 2, implementation (组织实施): supervision checks, rectification and verification',
      definition: (s) => implementationDefinition(flow(s, 'implementation')),
    });
    this.evaluation = new WorkflowStateMachine(this, 'Evaluation', {
      name: 'Evaluation',
      invokes: Object.values(props.functions),
      comment: 'Stage 3, evaluation (评估验收): self-inspection, preliminary evaluation, acceptance, summary',
      definition: (s) => evaluationDefinition(flow(s, 'evaluation')),
    });
    const stages: Record<'launch' | 'implementation' | 'evaluation', sfn.IStateMachine> = {
      launch: this.launch.machine,
      implementation: this.implementation.machine,
      evaluation: this.evaluation.machine,
    };
    this.pilot = new WorkflowStateMachine(this, 'Pilot', {
      name: 'Pilot',
      invokes: Object.values(props.functions),
      nests: [this.launch.machine, this.implementation.machine, this.evaluation.machine],
      comment: 'One pilot: Launch → Implementation → Evaluation as nested executions',
      definition: (s) => pilotDefinition(flow(s, 'pilot'), stages),
    });
    const pilotMachine = this.pilot.machine;
    this.programme = new WorkflowStateMachine(this, 'Programme', {
      name: 'Programme',
      invokes: Object.values(props.functions),
      comment: 'A programme: every pilot, then the summary materials to the higher level',
      definition: (s) =>
        programmeDefinition(
          flow(s, 'programme', "'-'"),
          pilotMachine,
          props.programmeTimeout ?? Duration.days(730),
        ),
    });
  }
}
