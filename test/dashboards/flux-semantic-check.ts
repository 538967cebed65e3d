import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type WasmExports = Record<string, unknown>;

/** The part of the WebAssembly global used here; the project's TypeScript libs do not declare it. */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: WasmExports } }>;
}

interface FluxBindings {
  __setWasm(exports: WasmExports): void;
  Flux: new (script: string) => { is_valid(): boolean; free(): void };
}

/**
 * Flux's own parser and type checker (the Flux language server's WebAssembly build): true when the script
 * parses and its functions, arguments and types check. The package is built for bundlers (its glue code does
 * `import * as wasm from './..._bg.wasm'`), so the glue is loaded from a copy whose first line takes the
 * instance from us instead.
 */
export async function loadFluxSemanticCheck(): Promise<(script: string) => boolean> {
  const packageDirectory = dirname(require.resolve('@influxdata/flux-lsp-browser/package.json'));
  const glue = readFileSync(join(packageDirectory, 'flux-lsp-browser_bg.js'), 'utf8');
  const wasmImport = "import * as wasm from './flux-lsp-browser_bg.wasm';";
  const memoryViews = [
    'cachedInt32Memory0 = new Int32Array(wasm.memory.buffer);',
    'cachedUint8Memory0 = new Uint8Array(wasm.memory.buffer);',
  ];
  if (!glue.startsWith(wasmImport)) throw new Error('flux-lsp-browser glue changed: update the loader');
  const patched =
    'let wasm;\nexport function __setWasm(exports) {\n  wasm = exports;\n' +
    memoryViews.map((line) => `  ${line}\n`).join('') +
    '}\n' +
    memoryViews.reduce((text, line) => text.replace(`\n${line}`, '\n'), glue.slice(wasmImport.length));

  const directory = mkdtempSync(join(tmpdir(), 'flux-lsp-'));
  try {
    const gluePath = join(directory, 'flux-lsp-browser_bg.mjs');
    writeFileSync(gluePath, patched);
    const bindings = (await import(/* @vite-ignore */ pathToFileURL(gluePath).href)) as FluxBindings;
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
    const { instance } = await WebAssembly.instantiate(
      readFileSync(join(packageDirectory, 'flux-lsp-browser_bg.wasm')),
      { './flux-lsp-browser_bg.js': bindings },
    );
    bindings.__setWasm(instance.exports);
    return (script) => {
      const flux = new bindings.Flux(script);
      try {
        return flux.is_valid();
      } finally {
        flux.free();
      }
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
