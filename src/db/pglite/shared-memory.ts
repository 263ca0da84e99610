/**
 * @module db/pglite/shared-memory
 * Lets another thread interrupt the embedded PostgreSQL while it runs a statement. PGlite is
 * PostgreSQL compiled to WebAssembly without threads: its `statement_timeout` never fires (the
 * timer would need the thread the statement occupies), and nothing outside the statement can
 * reach its memory. PostgreSQL itself only needs two flags set (`QueryCancelPending`,
 * `InterruptPending`, polled by `CHECK_FOR_INTERRUPTS`) to cancel a statement with SQLSTATE
 * 57014. So the database thread (the PGlite worker, and only it) declares its WebAssembly
 * memory shared: the memory imports of PGlite's modules are rewritten as `shared` (an
 * unthreaded module runs unchanged on shared memory) and memories are created shared, so the
 * request thread can set those flags in the same bytes. Nothing else of the modules changes.
 */

const WASM_HEADER = 8;
const IMPORT_SECTION = 2;
const MEMORY_IMPORT = 2;
/** The largest memory a wasm32 module can have, in 64 KiB pages (a shared memory must name a maximum). */
const MAX_PAGES = 65_536;

const encodeLeb = (value: number): number[] => {
  const out: number[] = [];
  let n = value;
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
};

/**
 * A copy of the WebAssembly binary `bytes` whose memory imports are declared shared (with a
 * maximum of 4 GiB when they had none), or `undefined` when it has no unshared memory import.
 */
export function shareMemoryImports(bytes: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  let pos = WASM_HEADER;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const skipName = (): void => {
    const length = leb();
    pos += length;
  };
  while (pos < bytes.length) {
    const sectionStart = pos;
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id !== IMPORT_SECTION) {
      pos = end;
      continue;
    }
    const body: Uint8Array[] = [];
    let copiedTo = pos;
    const count = leb();
    for (let i = 0; i < count; i++) {
      skipName();
      skipName();
      const kind = bytes[pos++];
      if (kind === 0)
        leb(); // function: type index
      else if (kind === 1) {
        // table: reference type, limits
        pos++;
        const flags = bytes[pos++] ?? 0;
        leb();
        if (flags & 1) leb();
      } else if (kind === 3)
        pos += 2; // global: value type, mutability
      else if (kind === 4) {
        // tag
        pos++;
        leb();
      } else if (kind === MEMORY_IMPORT) {
        const flagsAt = pos;
        const flags = bytes[pos++] ?? 0;
        const initial = leb();
        const maximum = flags & 1 ? leb() : MAX_PAGES;
        if (flags & 2) continue; // already shared
        body.push(
          bytes.subarray(copiedTo, flagsAt),
          Uint8Array.from([0x03, ...encodeLeb(initial), ...encodeLeb(maximum)]),
        );
        copiedTo = pos;
      } else {
        throw new Error(`unknown WebAssembly import kind ${String(kind)}`);
      }
    }
    if (body.length === 0) return undefined;
    body.push(bytes.subarray(copiedTo, end));
    const bodyLength = body.reduce((n, part) => n + part.length, 0);
    const header = Uint8Array.from([IMPORT_SECTION, ...encodeLeb(bodyLength)]);
    const out = new Uint8Array(sectionStart + header.length + bodyLength + (bytes.length - end));
    let at = 0;
    for (const part of [bytes.subarray(0, sectionStart), header, ...body, bytes.subarray(end)]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
  return undefined;
}

const asBytes = (source: BufferSource): Uint8Array =>
  source instanceof Uint8Array
    ? source
    : ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source);

/**
 * Makes every WebAssembly memory this thread creates shared, and every module it compiles
 * import its memory as shared. Call it once, in the database worker, before PGlite starts:
 * it changes this thread's `WebAssembly` globals, which is why it never runs on the request thread.
 */
export function shareWebAssemblyMemory(): void {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const NativeModule = WebAssembly.Module;
  const NativeMemory = WebAssembly.Memory;
  const nativeCompile = WebAssembly.compile.bind(WebAssembly);
  const nativeInstantiate = WebAssembly.instantiate.bind(WebAssembly) as (
    source: unknown,
    imports?: WebAssembly.Imports,
  ) => Promise<unknown>;
  const shared = (source: BufferSource): BufferSource => shareMemoryImports(asBytes(source)) ?? source;

  const Module = function (this: unknown, source: BufferSource) {
    return new NativeModule(shared(source));
  } as unknown as typeof WebAssembly.Module;
  Object.assign(Module, {
    imports: NativeModule.imports,
    exports: NativeModule.exports,
    customSections: NativeModule.customSections,
  });
  Module.prototype = NativeModule.prototype;

  const Memory = function (this: unknown, descriptor: WebAssembly.MemoryDescriptor) {
    return new NativeMemory({ ...descriptor, maximum: descriptor.maximum ?? MAX_PAGES, shared: true });
  } as unknown as typeof WebAssembly.Memory;
  Memory.prototype = NativeMemory.prototype;

  wasm.Module = Module;
  wasm.Memory = Memory;
  wasm.compile = (source: BufferSource) => nativeCompile(shared(source));
  wasm.instantiate = (source: unknown, imports?: WebAssembly.Imports) =>
    nativeInstantiate(source instanceof NativeModule ? source : shared(source as BufferSource), imports);
}
