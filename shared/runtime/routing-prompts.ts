/** Routing's prompt routes: the prompt store and the prompts bucket (see ./routing.ts for the others). */
import { randomUUID } from 'node:crypto';
import { getPrompt, listPrompts } from '../app/routing/get-prompt.js';
import { registerPrompt } from '../app/routing/register-prompt.js';
import { port } from './ports.js';
import { routingStores } from './routing.js';

const deps = { prompts: routingStores.prompts, promptAudio: () => port('promptAudio'), newId: randomUUID };

export const prompts = {
  registerPrompt: (request: Parameters<typeof registerPrompt>[1]) => registerPrompt(deps, request),
  getPrompt: (request: Parameters<typeof getPrompt>[1]) => getPrompt(deps, request),
  listPrompts: (request: Parameters<typeof listPrompts>[1]) => listPrompts(deps, request),
};
