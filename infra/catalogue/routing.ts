import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const ROUTING_FUNCTIONS: readonly FunctionRow[] = [
  {
    id: 'routeCall',
    entry: 'functions/connect/route-call.ts',
    // Reads only: the routing snapshot and the account item (one BatchGetItem at most per cache miss).
    tables: { routing: 'read', ledger: 'read' },
    // Small and warm: Connect waits for it on every call (InvokeLambdaFunction, 3 s).
    memoryMb: 512,
    timeoutSeconds: 3,
    assets: ['shared/geo/data/cn-geo.bin'],
    description:
      'Invoked by the generic contact flow per call and step: decides transfer / queue / menu / message from the compiled routing snapshot and the account',
  },
];
export const ROUTING_JOBS: readonly JobRow[] = [];
