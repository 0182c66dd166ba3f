/**
 * Numbers use cases against in-memory ports: what each one asks the stores to commit, and what it does when
 * a commit loses a race. No engine: the ports are the whole world here.
 */
import { describe, expect, it } from 'vitest';
import { addDocument } from '../../shared/app/numbers/add-document.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import { importNumbers } from '../../shared/app/numbers/import-numbers.js';
import { reserveNumber } from '../../shared/app/numbers/reserve-number.js';
import { suspendNumber } from '../../shared/app/numbers/suspend-number.js';
import type {
  ApplicationRecord,
  ContractRecord,
  DocumentRecord,
} from '../../shared/domain/numbers/application.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { inventoryNumber, type NumberRecord } from '../../shared/domain/numbers/number.js';
import type { ApplicationStore } from '../../shared/ports/application-store.js';
import type { DocumentsPort } from '../../shared/ports/documents.js';
import type { HoldList, NumberStore, NumberWrite } from '../../shared/ports/number-store.js';

const AT = '2026-03-02T02:00:00.000Z';

/** A number store in memory: versions checked on commit like the real one; `loseNext` makes commits lose a race. */
class MemoryNumbers implements Partial<NumberStore> {
  readonly numbers = new Map<string, NumberRecord>();
  readonly holdLists = new Map<string, HoldList>();
  readonly contracts = new Map<string, ContractRecord>();
  readonly commits: NumberWrite[][] = [];
  loseNext = 0;

  async get(number: string) {
    return this.numbers.get(number);
  }
  async holds(tenantId: string) {
    return this.holdLists.get(tenantId);
  }
  async contract(_number: string, contractId: string) {
    return this.contracts.get(contractId);
  }
  async existing(numbers: readonly string[]) {
    return new Set(numbers.filter((n) => this.numbers.has(n)));
  }
  async addIfAbsent(number: NumberRecord) {
    if (this.numbers.has(number.number)) return false;
    this.numbers.set(number.number, number);
    return true;
  }
  async commit(writes: readonly NumberWrite[]) {
    if (this.loseNext > 0) {
      this.loseNext -= 1;
      return false;
    }
    for (const w of writes) {
      if (w.kind === 'number' && this.numbers.get(w.before.number)?.version !== w.before.version)
        return false;
      if (w.kind === 'new_number' && this.numbers.has(w.number.number)) return false;
      if (w.kind === 'holds' && this.holdLists.get(w.tenantId)?.version !== w.expectedVersion) return false;
    }
    for (const w of writes) {
      if (w.kind === 'number') this.numbers.set(w.after.number, w.after);
      if (w.kind === 'new_number') this.numbers.set(w.number.number, w.number);
      if (w.kind === 'holds')
        this.holdLists.set(w.tenantId, { holds: w.holds, version: (w.expectedVersion ?? 0) + 1 });
      if (w.kind === 'contract') this.contracts.set(w.contract.contractId, w.contract);
    }
    this.commits.push([...writes]);
    return true;
  }
}

const unused = () => {
  throw new Error('not used by this use case');
};

function depsWith(numbers: MemoryNumbers): NumbersDeps {
  return {
    numbers: numbers as unknown as NumberStore,
    applications: unused as never,
    effects: unused as never,
    activations: unused as never,
    activationQueue: unused,
    arrears: unused as never,
    routingHandOver: { clear: unused },
    tenants: { exists: async () => true },
    ledger: { post: unused },
    funds: { read: unused, postedAmount: unused },
    refusalRateAt: unused,
    refunds: { refundAll: unused },
    telephony: unused,
    notifications: unused,
    documents: unused,
    config,
    newId: () => '00000000-0000-4000-8000-000000000000',
    log: { error: () => {} },
  };
}

function stocked(...numbers: string[]) {
  const store = new MemoryNumbers();
  for (const n of numbers) store.numbers.set(n, inventoryNumber(n, AT, config));
  return store;
}

describe('reserveNumber', () => {
  it('commits the hold with the tenant’s hold list, and reads again after losing a race', async () => {
    const store = stocked('4008123456');
    store.loseNext = 1;
    const hold = await reserveNumber(depsWith(store), '4008123456', 'acme', AT);
    expect(hold.holdExpiresAt > AT).toBe(true);
    expect(store.commits).toHaveLength(1);
    expect(store.commits[0]?.map((w) => w.kind)).toEqual(['number', 'holds']);
    expect(store.holdLists.get('acme')?.holds).toEqual({ '4008123456': hold.holdExpiresAt });
    // Asking again answers the same hold and commits nothing.
    expect(await reserveNumber(depsWith(store), '4008123456', 'acme', AT)).toEqual(hold);
    expect(store.commits).toHaveLength(1);
  });

  it('refuses past the hold limit and commits nothing', async () => {
    const numbers = Array.from({ length: config.holdLimit + 1 }, (_, i) => `400812345${i}`);
    const store = stocked(...numbers);
    for (const n of numbers.slice(0, config.holdLimit)) await reserveNumber(depsWith(store), n, 'acme', AT);
    await expect(
      reserveNumber(depsWith(store), numbers[config.holdLimit] as string, 'acme', AT),
    ).rejects.toMatchObject({ code: 'hold_limit_reached' });
    expect(store.commits).toHaveLength(config.holdLimit);
  });

  it('gives up with a 409 when every attempt loses its race', async () => {
    const store = stocked('4008123456');
    store.loseNext = 100;
    await expect(reserveNumber(depsWith(store), '4008123456', 'acme', AT)).rejects.toMatchObject({
      code: 'concurrent_update',
    });
  });
});

describe('importNumbers', () => {
  it('adds a chunk that lost its race one number at a time, the raced one reported as a duplicate', async () => {
    const store = stocked();
    const racing = store.commit.bind(store);
    store.commit = async (writes) => {
      store.numbers.set('4008000002', inventoryNumber('4008000002', AT, config)); // another import won
      return racing(writes);
    };
    const report = await importNumbers(depsWith(store), ['4008000001', '4008000002', '4008000003'], AT);
    expect(report.imported).toEqual(['4008000001', '4008000003']);
    expect(report.duplicates).toEqual(['4008000002']);
  });
});

describe('a lifecycle command', () => {
  it('commits the number, its routing snapshot and the contract’s suspension together', async () => {
    const store = stocked();
    store.numbers.set('4008123456', {
      ...inventoryNumber('4008123456', AT, config),
      status: 'active',
      tenantId: 'acme',
      accessNumber: '+6531000000',
      contractId: 'ct_1',
    });
    store.contracts.set('ct_1', { contractId: 'ct_1', number: '4008123456', tenantId: 'acme', version: 3 });
    const view = await suspendNumber(depsWith(store), '4008123456', 'acme', AT);
    expect(view.status).toBe('suspended');
    const [writes] = store.commits;
    expect(writes?.map((w) => w.kind)).toEqual(['number', 'routing_snapshot', 'contract']);
    expect(writes?.[1]).toMatchObject({
      numberStatus: 'suspended',
      owner: { tenantId: 'acme', restrictions: { noMultiLevelTransfer: false } },
    });
    expect(writes?.[2]).toMatchObject({
      expectedVersion: 3,
      // Suspended at 10:00 Shanghai on 2 March, which gave service until then: the 3rd is the first suspended day.
      contract: { version: 4, suspensions: [{ from: '2026-03-03' }] },
    });
  });
});

describe('addDocument (issue 15)', () => {
  const APP_ID = 'app_00000000-0000-4000-8000-000000000001';
  function documentDeps() {
    const documents: DocumentRecord[] = [];
    const application = { applicationId: APP_ID, tenantId: 'acme', status: 'draft' } as ApplicationRecord;
    let n = 0;
    const deps: NumbersDeps = {
      ...depsWith(stocked()),
      applications: {
        get: async (id: string) => (id === APP_ID ? application : undefined),
        documents: async () => [...documents],
        // The real store counts in the same conditional write (see the integration test); here, in memory.
        addDocument: async (d: DocumentRecord, max: number) => {
          if (documents.length >= max) return false;
          documents.push(d);
          return true;
        },
      } as unknown as ApplicationStore,
      documents: async () =>
        ({
          presignUpload: async () => ({ method: 'POST', url: '/upload', fields: {}, expiresAt: AT }),
        }) as unknown as DocumentsPort,
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    };
    return { deps, documents };
  }
  const pdf = { kind: 'business_licence', contentType: 'application/pdf' } as const;

  it('refuses an expiry that is no calendar date, or more than 50 years ahead, naming the field', async () => {
    const { deps, documents } = documentDeps();
    for (const expiresOn of ['9999-99-99', '2026-02-30', '2027-13-01', '2077-01-01']) {
      await expect(addDocument(deps, 'acme', APP_ID, { ...pdf, expiresOn }, AT)).rejects.toMatchObject({
        kind: 'validation',
        field: 'expiresOn',
      });
    }
    expect(documents).toHaveLength(0);
    await addDocument(deps, 'acme', APP_ID, { ...pdf, expiresOn: '2076-03-02' }, AT);
    await addDocument(deps, 'acme', APP_ID, { ...pdf, expiresOn: '2028-02-29' }, AT);
    expect(documents).toHaveLength(2);
  });

  it(`holds at most ${config.maxDocumentsPerApplication} documents per application`, async () => {
    const { deps, documents } = documentDeps();
    for (let i = 0; i < config.maxDocumentsPerApplication; i++)
      await addDocument(deps, 'acme', APP_ID, pdf, AT);
    await expect(addDocument(deps, 'acme', APP_ID, pdf, AT)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'too_many_documents',
    });
    expect(documents).toHaveLength(config.maxDocumentsPerApplication);
  });
});
