/** Deleting a prompt: it reaches Connect and the numbers index, so its own root keeps them out of the other prompt routes' bundles. */
import { dynamoNumberStore } from '../adapters/dynamo/number-store.js';
import { deletePrompt } from '../app/routing/delete-prompt.js';
import { port } from './ports.js';
import { routingStores } from './routing.js';

const numbers = dynamoNumberStore();

export const promptDeletion = {
  deletePrompt: (request: Parameters<typeof deletePrompt>[1]) =>
    deletePrompt(
      {
        prompts: routingStores.prompts,
        routing: routingStores.routing,
        promptAudio: () => port('promptAudio'),
        telephony: () => port('telephony'),
        numbersOfTenant: (tenantId) => numbers.numbersOfTenant(tenantId),
      },
      request,
    ),
};
