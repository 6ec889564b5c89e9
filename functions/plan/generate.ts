// Generates large valid plans of the sample's shape (towns, each with its communities) to rehearse and benchmark
// many pilots. Deterministic for a seed, so a benchmark can be repeated.

import type { Pilot, Plan } from './schema.ts';
import { InvalidPlanError, validatePlan } from './validate.ts';

export interface GenerateOptions {
  /** How many pilots in all, towns and communities together (at least 1). */
  pilots: number;
  /** Seed of the pseudo-random community counts and types; the same seed gives the same plan. */
  seed?: number;
}

const COMMUNITY_TYPES = [
  { id: 'convenience-service', name: '便民服务型', nameEn: 'Convenience service' },
  { id: 'smart-technology', name: '智慧科技型', nameEn: 'Smart technology' },
  { id: 'social-organisation', name: '社会组织参与型', nameEn: 'Social-organisation participation' },
] as const;

/**
 * A valid plan with `pilots` pilots: towns in turn, each followed by 3–8 of its communities (the last town takes
 * what is left), with the sample's units, stages, task times, indicators and escalation.
 */
export function generatePlan({ pilots: count, seed = 1 }: GenerateOptions): Plan {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`pilots must be a whole number ≥ 1, not ${count}`);
  const random = mulberry32(seed);
  const pilots: Pilot[] = [];
  for (let town = 1; pilots.length < count; town++) {
    const t = String(town).padStart(3, '0');
    const townId = `town-${t}`;
    pilots.push({
      id: townId,
      name: `XX县第${town}镇`,
      nameEn: `Town ${town}, XX County`,
      level: 'town',
      type: 'five-society-linkage',
      escalatesTo: 'civil-affairs',
      contacts: [
        {
          name: `第${town}镇社会事务办`,
          nameEn: `Social affairs office, town ${town}`,
          email: `${townId}@towns.xx-county.example`,
        },
      ],
    });
    const communities = Math.min(count - pilots.length, 3 + Math.floor(random() * 6));
    for (let c = 1; c <= communities; c++) {
      const id = `${townId}-c${String(c).padStart(2, '0')}`;
      const type = COMMUNITY_TYPES[Math.floor(random() * COMMUNITY_TYPES.length)]!;
      pilots.push({
        id,
        name: `XX县第${town}镇第${c}社区`,
        nameEn: `Community ${c}, town ${town}`,
        level: 'community',
        type: type.id,
        town: townId,
        escalatesTo: townId,
        contacts: [
          {
            name: `第${town}镇第${c}社区党委`,
            nameEn: `Party committee, community ${c}, town ${town}`,
            email: `${id}@towns.xx-county.example`,
          },
        ],
      });
    }
  }

  const plan: Plan = {
    programme: {
      id: `generated-${count}-pilots-seed-${seed}`,
      title: `城乡社区治理试点工作方案（${count}个试点，生成）`,
      titleEn: `Community governance pilot work plan (${count} generated pilots)`,
      county: 'XX县',
      countyEn: 'XX County',
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      start: '2023-01-01',
      end: '2023-12-31',
      leadUnit: 'civil-affairs',
      leadingGroup: 'leading-group',
      higherLevel: 'city-civil-affairs',
    },
    units: [
      unit('civil-affairs', '县民政局', 'XX County Civil Affairs Bureau', 'minzheng@xx-county.example'),
      unit(
        'organisation',
        '县委组织部',
        'Organisation Department of the County Party Committee',
        'zuzhibu@xx-county.example',
      ),
      unit(
        'political-legal',
        '县委政法委',
        'Political and Legal Affairs Commission',
        'zhengfawei@xx-county.example',
      ),
      unit('finance', '县财政局', 'XX County Finance Bureau', 'caizheng@xx-county.example'),
      {
        id: 'leading-group',
        name: '县城乡社区治理试点工作领导小组',
        nameEn: 'XX County Leading Group for the Community Governance Pilot',
        kind: 'leading-group',
        contacts: [
          {
            name: '领导小组办公室',
            nameEn: 'Leading group office',
            email: 'lingdaoxiaozu@xx-county.example',
          },
        ],
      },
      {
        id: 'city-civil-affairs',
        name: 'XX市民政局',
        nameEn: 'XX City Civil Affairs Bureau',
        kind: 'higher-level',
        contacts: [
          {
            name: '市民政局基层政权科',
            nameEn: 'Community governance section',
            email: 'minzheng@xx-city.example',
          },
        ],
      },
    ],
    pilotTypes: [
      {
        id: 'five-society-linkage',
        name: '“五社联动”机制创新试点乡镇',
        nameEn: 'Five-society linkage pilot town',
      },
      ...COMMUNITY_TYPES,
    ],
    pilots,
    stages: {
      launch: {
        start: '2023-01-01',
        end: '2023-02-14',
        leadUnit: 'civil-affairs',
        participantUnits: ['organisation', 'political-legal', 'finance'],
        mobilisationMeeting: {
          title: '城乡社区治理试点工作动员大会',
          titleEn: 'Mobilisation meeting for the community governance pilot',
          time: '2023-01-10 09:30',
          place: '县政府第一会议室',
        },
      },
      implementation: {
        start: '2023-02-15',
        end: '2023-10-31',
        leadUnit: 'civil-affairs',
        participantUnits: ['organisation', 'political-legal', 'finance'],
        supervision: { every: 'P1M', inspector: 'civil-affairs' },
        recordStudyTours: true,
      },
      evaluation: {
        start: '2023-11-01',
        end: '2023-12-31',
        leadUnit: 'civil-affairs',
        participantUnits: ['finance', 'organisation'],
        selfInspection: { scored: true },
        preliminaryEvaluation: { scored: true },
        acceptance: {
          workingGroup: {
            name: '验收工作组',
            nameEn: 'Acceptance working group',
            members: ['civil-affairs', 'finance', 'organisation'],
            mode: 'countersign',
          },
        },
        summaryReport: { due: '2023-12-25' },
      },
    },
    tasks: {
      durations: {
        acknowledgement: 'P3D',
        implementationPlan: 'P14D',
        planReview: 'P7D',
        supervisionCheck: 'P7D',
        rectification: 'P14D',
        verification: 'P5D',
        selfInspection: 'P10D',
        preliminaryEvaluation: 'P10D',
        acceptance: 'P10D',
        summary: 'P7D',
      },
      linkGraceAfterDue: 'P7D',
    },
    indicators: {
      illustrative: true,
      passScore: 60,
      excellentScore: 90,
      items: [
        {
          id: 'party-leadership',
          name: '社区党组织领导核心作用',
          nameEn: 'Core role of the Party organisation',
          weight: 30,
        },
        {
          id: 'participation',
          name: '居民参与率和满意度',
          nameEn: "Residents' participation and satisfaction",
          weight: 30,
        },
        { id: 'public-services', name: '公共服务保障', nameEn: 'Public services', weight: 25 },
        { id: 'rule-of-law', name: '法治氛围', nameEn: 'Rule-of-law atmosphere', weight: 15 },
      ],
    },
    escalation: { remindBeforeDue: 'P2D', toSupervisorAfterDue: 'PT0S', toLeadingGroupAfterDue: 'P3D' },
  };

  // The generator's own guarantee: what it returns passes the same validation as a clerk's file (and is frozen).
  const result = validatePlan(plan);
  if (!result.ok) throw new InvalidPlanError('generated plan', result.problems);
  return result.plan;
}

function unit(id: string, name: string, nameEn: string, email: string): Plan['units'][number] {
  return {
    id,
    name,
    nameEn,
    kind: 'department',
    escalatesTo: 'leading-group',
    contacts: [{ name, nameEn, email }],
  };
}

/** A small seeded pseudo-random generator (mulberry32): numbers in [0, 1). Also draws the crash test's kills. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
