/**
 * Recorded prompts a tenant owns. A tenant registers a prompt (POST /v1/prompts), uploads its audio under a
 * key only the server chooses (`prompts/<tenantId>/<promptId>.wav`), and routing configurations name it by
 * our prompt id, never by a Connect ARN or an S3 location: a configuration can only play the tenant's own
 * audio. Apply creates the Connect prompt from that object and the compiled routing maps our id to its ARN.
 *
 * Amazon Connect plays .wav prompts of 8 kHz mono µ-law audio, under 50 MB and under five minutes
 * (Administrator Guide, "Flow block: Play prompt", Requirements). Five minutes of 8 kHz µ-law is
 * 2,400,000 bytes, so the upload's signed size range stops there (plus room for the WAV header): a file
 * over five minutes of that format is refused by S3 itself.
 */
import { invalid } from '../errors.js';
import type { Prompt, RoutingConfig } from './types.js';

export const PROMPT_CONTENT_TYPE = 'audio/wav';
/** Five minutes of 8 kHz, 8-bit µ-law mono audio, plus 4 KiB for the RIFF/WAVE header and its chunks. */
export const PROMPT_MAX_BYTES = 5 * 60 * 8000 + 4096;
export const PROMPT_NAME_CHARS = 100;
/**
 * Prompts one tenant may have registered at once: each may become a Connect prompt, and an instance's
 * prompts are a quota every tenant shares (500 by default), so no tenant may use it up for the others.
 */
export const PROMPTS_PER_TENANT = 50;

/** Our prompt ids: `pr_` and 32 lowercase hex digits (a UUID without its dashes). */
export const PROMPT_ID = /^pr_[0-9a-f]{32}$/;

export const isPromptId = (value: string): boolean => PROMPT_ID.test(value);

export const promptIdOf = (uuid: string): string => `pr_${uuid.replace(/-/g, '').toLowerCase()}`;

/** Where the prompt's audio lives in the prompts bucket: the tenant's own prefix, a server-chosen name. */
export const promptObjectKey = (tenantId: string, promptId: string): string =>
  `prompts/${tenantId}/${promptId}.wav`;

/** A prompt as registered (routing table `PROMPTS#<tenantId>` / `PROMPT#<promptId>`). */
export interface PromptRecord {
  readonly promptId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly objectKey: string;
  readonly createdAt: string;
}

/** The tenant's label for a prompt: 1-100 characters, not blank. */
export function checkPromptName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > PROMPT_NAME_CHARS)
    throw invalid('invalid_name', `a prompt's name is 1-${PROMPT_NAME_CHARS} characters`, 'name');
  return trimmed;
}

/** What apply asks Connect for: one Connect prompt per prompt of ours, named after our id. */
export interface PromptSpec {
  /** Connect's Name (1-127 characters): `p400-<promptId>`, unique in the instance, shared by a tenant's numbers. */
  readonly name: string;
  /** Connect's Description (1-250 characters). */
  readonly description: string;
  /** Connect's S3Uri: `s3://<bucket>/<key>` of the tenant's own object. */
  readonly s3Uri: string;
  /** The object's version: an upload after apply makes the next apply update the Connect prompt. */
  readonly revision: string;
}

/** The Connect prompt apply makes for one of ours (deleting ours deletes it by this name). */
export const connectPromptName = (promptId: string): string => `p400-${promptId}`;

export function promptSpec(prompt: PromptRecord, s3Uri: string, revision: string): PromptSpec {
  const description = `Prompt ${prompt.promptId} of tenant ${prompt.tenantId}: ${prompt.name}`;
  return {
    name: connectPromptName(prompt.promptId),
    description: description.length > 250 ? `${description.slice(0, 249)}…` : description,
    s3Uri,
    revision,
  };
}

/** Every prompt of a configuration with the field it is at (menus, messages, the recording notice). */
export function configPrompts(config: RoutingConfig): { readonly field: string; readonly prompt: Prompt }[] {
  const out: { field: string; prompt: Prompt }[] = [];
  const destination = (d: unknown, field: string) => {
    const value = d as { type?: string; prompt?: Prompt } | undefined;
    if (value?.type === 'message' && value.prompt)
      out.push({ field: `${field}.prompt`, prompt: value.prompt });
  };
  destination(config.defaultDestination, 'defaultDestination');
  destination(config.afterHours, 'afterHours');
  if (config.vipDestination) destination(config.vipDestination, 'vipDestination');
  for (const [i, rule] of config.regionRules.entries())
    destination(rule.destination, `regionRules.${i}.destination`);
  for (const [id, menu] of Object.entries(config.menus)) {
    if (menu.prompt) out.push({ field: `menus.${id}.prompt`, prompt: menu.prompt });
    for (const [key, option] of Object.entries(menu.options ?? {}))
      destination(option, `menus.${id}.options.${key}`);
    destination(menu.onFailure, `menus.${id}.onFailure`);
  }
  // The notice's prompt is used only while recording is on.
  if (config.recording.enabled && config.recording.announcementPrompt)
    out.push({ field: 'recording.announcementPrompt', prompt: config.recording.announcementPrompt });
  return out;
}

/** The distinct prompt ids a configuration plays (its audio references), in a stable order. */
export function referencedPromptIds(config: RoutingConfig): string[] {
  const ids = new Set<string>();
  for (const { prompt } of configPrompts(config)) if (prompt.audio) ids.add(prompt.audio);
  return [...ids].sort();
}

/** How much of an object `wavProblem` needs: the RIFF header and the chunks before the audio. */
export const WAV_HEAD_BYTES = 4096;
const WAVE_FORMAT_MULAW = 7;
/** Connect plays prompts under five minutes. */
const MAX_PROMPT_SECONDS = 5 * 60;

/**
 * Why Amazon Connect would not play this WAV as a prompt (undefined: it would): the format chunk must say
 * µ-law (format 7), one channel, 8,000 samples a second, and the audio must last under five minutes.
 * `head` is the object's first bytes (at least up to its `data` chunk header), `size` its whole length.
 */
export function wavProblem(head: Uint8Array, size: number): string | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const text = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.byteLength < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') return 'it is not a WAV file';
  let format: { code: number; channels: number; rate: number; byteRate: number } | undefined;
  for (let at = 12; at + 8 <= head.byteLength; ) {
    const id = text(at);
    const length = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (at + 8 + 16 > head.byteLength) break;
      format = {
        code: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        rate: view.getUint32(at + 12, true),
        byteRate: view.getUint32(at + 16, true),
      };
    } else if (id === 'data') {
      if (!format) return 'its format chunk is missing or comes after the audio';
      if (format.code !== WAVE_FORMAT_MULAW || format.channels !== 1 || format.rate !== 8000)
        return `it is format ${format.code}, ${format.channels} channel(s), ${format.rate} Hz: Amazon Connect plays 8 kHz mono µ-law (format 7)`;
      // The audio runs to the end of the object when the header's length is unset or larger than what arrived.
      const audioBytes = Math.min(length, size - (at + 8));
      if (format.byteRate <= 0 || audioBytes / format.byteRate >= MAX_PROMPT_SECONDS)
        return 'it lasts five minutes or more: Amazon Connect plays prompts under five minutes';
      return undefined;
    }
    at += 8 + length + (length % 2);
  }
  return format ? 'its audio (data chunk) is missing' : 'its format chunk is missing';
}
