import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HotlineFunction } from '../../infra/constructs/hotline-function.js';

describe('HotlineFunction bundling (local esbuild, no Docker)', () => {
  it("bundles ESM with a require shim and copies the row's assets beside the bundle", async () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      treeMetadata: false,
      analyticsReporting: false,
    });
    const stack = new Stack(app, 'Bundle');
    new HotlineFunction(stack, 'Reader', {
      entry: 'test/infra/fixtures/asset-reader.ts',
      description: 'reads a file beside its bundle',
      invocation: 'sync',
      timeout: Duration.seconds(3),
      assets: ['test/infra/fixtures/asset-reader.data.txt'],
    });
    const assembly = app.synth();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    const bundles = readdirSync(assembly.directory)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(assembly.directory, name))
      .filter((dir) => existsSync(join(dir, 'index.mjs')));
    expect(bundles).toHaveLength(1);
    const bundle = bundles[0] as string;
    expect(readdirSync(bundle).sort()).toEqual(['asset-reader.data.txt', 'index.mjs', 'index.mjs.map']);
    expect(readFileSync(join(bundle, 'index.mjs'), 'utf8')).toMatch(/createRequire/);
    const module = (await import(pathToFileURL(join(bundle, 'index.mjs')).href)) as {
      handler: () => Promise<{ data: string; hasRequire: boolean }>;
    };
    expect(await module.handler()).toEqual({ data: 'geo index stand-in', hasRequire: true });
  });

  it('fails when an entry or an asset does not exist', () => {
    const stack = new Stack(new App(), 'Missing');
    expect(
      () =>
        new HotlineFunction(stack, 'NoEntry', {
          entry: 'functions/nowhere.ts',
          description: 'x',
          invocation: 'sync',
        }),
    ).toThrow(/entry of NoEntry not found/);
    expect(
      () =>
        new HotlineFunction(stack, 'NoAsset', {
          entry: 'test/infra/fixtures/asset-reader.ts',
          description: 'x',
          invocation: 'sync',
          assets: ['test/infra/fixtures/missing.bin'],
        }),
    ).toThrow(/asset of NoAsset not found/);
  });
});
