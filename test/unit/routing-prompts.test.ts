import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.js';
import {
  compileRouting,
  normaliseConfig,
  type RoutingConfigInput,
  validateConfig,
} from '../../shared/domain/routing/config.js';
import { decideCall } from '../../shared/domain/routing/decision.js';
import {
  checkPromptName,
  PROMPT_MAX_BYTES,
  promptIdOf,
  promptObjectKey,
  promptSpec,
  referencedPromptIds,
  WAV_HEAD_BYTES,
  wavProblem,
} from '../../shared/domain/routing/prompts.js';
import { connectRequestProblems } from '../support/connect-model.js';
import { wav } from '../support/prompts.js';
import {
  ENTERPRISE_INPUT,
  HEALTHY_ACCOUNT,
  OWN_PROMPT_ID,
  PROMPT_ARNS,
  snapshotOf,
  WED_10AM,
} from './routing-fixtures.js';

const TENANT_A_PROMPT = 'pr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const OWNED: ReadonlySet<string> = new Set([OWN_PROMPT_ID]);
const RULES = { noMultiLevelTransfer: false, announcementRequired: false, ownedPrompts: OWNED };

/** The error a configuration whose main menu plays `audio` gets (undefined when accepted). */
function menuAudioError(audio: string, ownedPrompts = OWNED): DomainError | undefined {
  const input: RoutingConfigInput = {
    ...ENTERPRISE_INPUT,
    defaultDestination: { type: 'menu', menuId: 'main' },
    menus: { main: { prompt: { audio }, options: { '1': { type: 'hunt' } } } },
  };
  try {
    validateConfig(normaliseConfig(input), { ...RULES, ownedPrompts });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
}

describe('recorded prompts are the tenant’s own', () => {
  it('accepts a prompt the tenant registered', () => {
    expect(menuAudioError(OWN_PROMPT_ID)).toBeUndefined();
  });

  it('refuses another tenant’s prompt id, naming the field (400 prompt_not_owned)', () => {
    const error = menuAudioError(TENANT_A_PROMPT);
    expect(error).toMatchObject({
      kind: 'validation',
      code: 'prompt_not_owned',
      field: 'menus.main.prompt.audio',
    });
  });

  it('refuses every other audio reference: ARNs (this instance or another), S3 URIs (other bucket, other tenant’s prefix, `..`), garbage', () => {
    for (const audio of [
      'arn:aws:connect:ap-southeast-1:111122223333:instance/i/prompt/p-1',
      'arn:aws:connect:us-east-1:999999999999:instance/other/prompt/p-9',
      's3://someone-elses-bucket/prompts/tenant-b/x.wav',
      `s3://hotline-prompts/${promptObjectKey('tenant-a', TENANT_A_PROMPT)}`,
      `s3://hotline-prompts/prompts/tenant-b/../tenant-a/${TENANT_A_PROMPT}.wav`,
      `https://hotline-prompts.s3.ap-southeast-1.amazonaws.com/prompts/tenant-a/${TENANT_A_PROMPT}.wav`,
      `${OWN_PROMPT_ID} `,
      OWN_PROMPT_ID.toUpperCase(),
      'p-1',
      'constructor',
    ]) {
      expect(menuAudioError(audio)?.code, audio).toBe('prompt_not_owned');
    }
  });

  it('checks audio wherever a prompt is: messages, after hours, region rules, VIP, menu failures, the recording notice', () => {
    const foreign = { audio: TENANT_A_PROMPT };
    const message = { type: 'message' as const, prompt: foreign };
    const cases: [RoutingConfigInput, string][] = [
      [{ ...ENTERPRISE_INPUT, afterHours: message }, 'afterHours.prompt.audio'],
      [{ ...ENTERPRISE_INPUT, vipDestination: message }, 'vipDestination.prompt.audio'],
      [
        { ...ENTERPRISE_INPUT, regionRules: [{ group: 'north_china', destination: message }] },
        'regionRules.0.destination.prompt.audio',
      ],
      [
        {
          ...ENTERPRISE_INPUT,
          menus: {
            main: { prompt: { text: { 'zh-CN': '请按1' } }, options: { '1': message }, onFailure: message },
          },
        },
        'menus.main.options.1.prompt.audio',
      ],
      [
        {
          ...ENTERPRISE_INPUT,
          recording: { enabled: true, announcement: true, announcementPrompt: foreign },
        },
        'recording.announcementPrompt.audio',
      ],
    ];
    for (const [input, field] of cases) {
      expect(() => validateConfig(normaliseConfig(input), RULES)).toThrow(
        expect.objectContaining({ code: 'prompt_not_owned', field }),
      );
    }
  });

  it('property: any audio reference outside the owned set is refused; the owned one is accepted', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (audio) => {
        const error = menuAudioError(audio);
        if (audio === OWN_PROMPT_ID) expect(error).toBeUndefined();
        else expect(error?.code).toBe('prompt_not_owned');
      }),
    );
  });

  it('compiles only the prompts the configuration plays, mapped to the ARNs apply made', () => {
    const input: RoutingConfigInput = {
      ...ENTERPRISE_INPUT,
      afterHours: { type: 'message', prompt: { audio: OWN_PROMPT_ID } },
    };
    const config = normaliseConfig(input);
    expect(referencedPromptIds(config)).toEqual([OWN_PROMPT_ID]);
    const compiled = compileRouting(config, {}, undefined, {
      [OWN_PROMPT_ID]: 'arn:aws:connect:r:1:instance/i/prompt/own',
      [TENANT_A_PROMPT]: 'arn:aws:connect:r:1:instance/i/prompt/theirs',
    });
    expect(compiled.prompts).toEqual({ [OWN_PROMPT_ID]: 'arn:aws:connect:r:1:instance/i/prompt/own' });
  });
});

describe('prompt registration rules', () => {
  it('ids are pr_ and 32 hex digits; the key is in the tenant’s own prefix', () => {
    expect(promptIdOf('0123ABCD-4567-89ab-cdef-0123456789ab')).toBe('pr_0123abcd456789abcdef0123456789ab');
    expect(promptObjectKey('acme', OWN_PROMPT_ID)).toBe(`prompts/acme/${OWN_PROMPT_ID}.wav`);
  });

  it('bounds uploads to five minutes of 8 kHz µ-law (2,400,000 bytes) plus a 4 KiB header', () => {
    expect(PROMPT_MAX_BYTES).toBe(2_404_096);
  });

  it('names are 1-100 characters, trimmed', () => {
    expect(checkPromptName('  欢迎语 ')).toBe('欢迎语');
    expect(() => checkPromptName('   ')).toThrow(
      expect.objectContaining({ code: 'invalid_name', field: 'name' }),
    );
    expect(() => checkPromptName('x'.repeat(101))).toThrow(expect.objectContaining({ code: 'invalid_name' }));
  });

  it('the Connect prompt fits CreatePrompt’s model for the longest tenant id and name', () => {
    const prompt = {
      promptId: OWN_PROMPT_ID,
      tenantId: 't'.repeat(128),
      name: '名'.repeat(100),
      objectKey: promptObjectKey('t'.repeat(128), OWN_PROMPT_ID),
      createdAt: '2026-12-07T00:00:00Z',
    };
    const spec = promptSpec(prompt, `s3://hotline-prompts/${prompt.objectKey}`, 'sha');
    expect(spec.name).toBe(`p400-${OWN_PROMPT_ID}`);
    expect(
      connectRequestProblems('CreatePrompt', {
        InstanceId: 'i-1',
        Name: spec.name,
        Description: spec.description,
        S3Uri: spec.s3Uri,
      }),
    ).toEqual([]);
  });
});

describe('audio Connect plays (8 kHz mono µ-law WAV under five minutes)', () => {
  const problemOf = (file: Buffer) =>
    wavProblem(new Uint8Array(file.subarray(0, WAV_HEAD_BYTES)), file.length);

  it('accepts 8 kHz mono µ-law, up to just under five minutes', () => {
    expect(problemOf(wav(1))).toBeUndefined();
    expect(problemOf(wav(299.999))).toBeUndefined();
  });

  it('refuses other formats, rates and channel counts, naming what the file is', () => {
    expect(problemOf(wav(1, { code: 1, bytesPerSample: 2 }))).toBe(
      'it is format 1, 1 channel(s), 8000 Hz: Amazon Connect plays 8 kHz mono µ-law (format 7)',
    );
    expect(problemOf(wav(1, { rate: 44_100 }))).toMatch(/44100 Hz/);
    expect(problemOf(wav(1, { channels: 2 }))).toMatch(/2 channel\(s\)/);
    expect(problemOf(Buffer.from('ID3\u0003 an mp3 file'))).toBe('it is not a WAV file');
  });

  it('refuses five minutes or more, also when the header leaves the length unset (streamed WAV)', () => {
    expect(problemOf(wav(300))).toMatch(/five minutes or more/);
    const streamed = wav(300);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(problemOf(streamed)).toMatch(/five minutes or more/);
    const short = wav(2);
    short.writeUInt32LE(0xffffffff, 40);
    expect(problemOf(short)).toBeUndefined();
  });

  it('refuses a file with no format chunk before the audio, or no audio', () => {
    const noFormat = wav(1);
    noFormat.write('junk', 12, 'ascii');
    expect(problemOf(noFormat)).toBe('its format chunk is missing or comes after the audio');
    expect(problemOf(wav(1).subarray(0, 36))).toBe('its audio (data chunk) is missing');
  });
});

describe('the per-call decision plays only what apply resolved', () => {
  it('property: whatever audio a snapshot names, the decision plays an ARN of its own prompts map or nothing', () => {
    const own = new Set(Object.values(PROMPT_ARNS));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(OWN_PROMPT_ID, 'arn:aws:connect:r:1:instance/i/prompt/x'),
        ),
        fc.constantFrom<'menu' | 'message'>('menu', 'message'),
        (audio, kind) => {
          const prompt = audio === '' ? { text: { 'zh-CN': '您好' } } : { audio, text: { 'zh-CN': '您好' } };
          const snapshot = snapshotOf({
            ...ENTERPRISE_INPUT,
            regionRules: [],
            defaultDestination:
              kind === 'menu' ? { type: 'menu', menuId: 'main' } : { type: 'message', prompt },
            menus: { main: { prompt, options: { '1': { type: 'hunt' } } } },
          });
          const decision = decideCall(
            { caller: '+862161234567', contactId: 'c', step: 'start', now: WED_10AM },
            { snapshot, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
          );
          expect(decision.action).toBe(kind);
          const played = decision.promptId ?? '';
          if (played !== '') expect(own.has(played)).toBe(true);
          expect(played !== '').toBe(audio === OWN_PROMPT_ID);
          expect(decision.promptKind).toBe(audio === OWN_PROMPT_ID ? 'audio' : 'text');
        },
      ),
    );
  });
});
