/**
 * `bun run image`: builds the server's OCI image with podman from parts the package registries
 * give (no base image: none can be pulled here). The root filesystem is staged in a temporary
 * folder: the Bun runtime this command runs under and the C libraries it links, Debian's `git`
 * (for `DIRACX_CONFIG_BACKEND_URL=git+file://`) and its libraries, the CA certificates, a passwd
 * file with the unprivileged user, and the server bundled as `bun run build` bundles it (the
 * embedded database's package beside it, its worker, migrations and default.yml). Then
 * deploy/container/Containerfile (`FROM scratch`) turns that folder into the image.
 *
 * The image is tagged `localhost/diracx-ts:<hash of its inputs>` (and `:latest`); when an image
 * with that tag exists, nothing is built (`--force` rebuilds). A build removes the images of
 * earlier inputs (their tags). Prints the tag and the size.
 */
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { podman, podmanOk, REPO_ROOT } from './podman.ts';

export const IMAGE_NAME = 'localhost/diracx-ts';
/** The unprivileged user (and group) the image runs as. */
export const IMAGE_UID = 10001;
const CONTAINERFILE = join(REPO_ROOT, 'deploy', 'container', 'Containerfile');
/** Host executables copied into the image, with the shared libraries `ldd` names for them. */
const EXECUTABLES = [{ from: process.execPath, to: '/usr/local/bin/bun' }, { from: '/usr/bin/git' }];
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** Entry points bundled into /app (each beside the migrations and default.yml it reads). */
const BUNDLES = [
  { entry: 'src/server.ts', out: 'server.js' },
  { entry: 'src/db/migrate-cli.ts', out: 'migrate.js' },
  { entry: 'src/db/pglite/worker.ts', out: 'pglite-worker.js' },
];
/** Files of the embedded database's package the image leaves out (types, maps, CommonJS, extensions). */
const PGLITE_SKIP = /\.(map|d\.ts|d\.cts|cjs|tar\.gz)$/;

/**
 * Folders a module finds beside itself (`new URL('./x', import.meta.url)`): in a bundle every
 * module's `import.meta.url` is the bundle's, so the MySQL dialect's `./migrations` would be
 * PostgreSQL's. Its module is bundled with the paths below instead, and the folders copied there.
 */
const RELOCATED_FOLDERS = [
  {
    module: 'src/db/mysql/migrate.ts',
    text: "'./migrations'",
    from: 'src/db/mysql/migrations',
    to: 'mysql/migrations',
  },
  {
    module: 'src/db/mysql/migrate.ts',
    text: "'./diracx-tables'",
    from: 'src/db/mysql/diracx-tables',
    to: 'mysql/diracx-tables',
  },
];

/** Rewrites the relocated folders' paths; a path that is no longer in its module stops the build. */
const relocateFolders: Bun.BunPlugin = {
  name: 'relocate-folders',
  setup(build) {
    const modules = new Set(RELOCATED_FOLDERS.map((r) => join(REPO_ROOT, r.module)));
    build.onLoad({ filter: /\/src\/db\/mysql\/migrate\.ts$/ }, async ({ path }) => {
      let contents = await Bun.file(path).text();
      if (!modules.has(path)) return { contents, loader: 'ts' };
      for (const { module, text, to } of RELOCATED_FOLDERS) {
        if (join(REPO_ROOT, module) !== path) continue;
        if (!contents.includes(`new URL(${text}, import.meta.url)`)) {
          throw new Error(`${module} no longer reads new URL(${text}, import.meta.url): update build-image.ts`);
        }
        contents = contents.replace(`new URL(${text}, import.meta.url)`, `new URL('./${to}', import.meta.url)`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

export interface BuiltImage {
  /** `localhost/diracx-ts:<hash>` */
  tag: string;
  /** The image's id: what a later build (new inputs) cannot untag from under a user of this one. */
  id: string;
  /** Size of the image as podman reports it, in bytes. */
  sizeBytes: number;
  /** True when an image with this tag existed and nothing was built. */
  cached: boolean;
}

async function run(cmd: string[], cwd = REPO_ROOT): Promise<string> {
  const proc = Bun.spawn({ cmd, cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed with ${code}:\n${out}${err}`);
  return out;
}

/** The files whose content decides the image: sources, lockfile, extensions, this folder. */
async function inputFiles(): Promise<string[]> {
  const listed = await run([
    'git',
    'ls-files',
    '--cached',
    '--others',
    '--exclude-standard',
    '--',
    'src',
    'extensions',
    'package.json',
    'bun.lock',
    'patches',
    'deploy/container',
  ]);
  return listed
    .split('\n')
    .filter((f) => f !== '' && !f.endsWith('.test.ts'))
    .sort();
}

/** A hash of the image's inputs: the files above, the Bun runtime, the host's git and libraries. */
export async function imageInputsHash(): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256');
  hasher.update(`bun ${Bun.version} ${Bun.revision}\n`);
  for (const file of await inputFiles()) {
    const path = join(REPO_ROOT, file);
    if (!(await Bun.file(path).exists())) continue;
    hasher.update(`${file}\n`);
    hasher.update(new Uint8Array(await Bun.file(path).arrayBuffer()));
  }
  for (const lib of await hostLibraries()) hasher.update(`${lib}\n`);
  hasher.update(await run(['git', '--version']));
  return hasher.digest('hex').slice(0, 16);
}

/** The shared libraries (and the loader) the executables need, as absolute paths on this host. */
async function hostLibraries(): Promise<string[]> {
  const libs = new Set<string>();
  for (const { from } of EXECUTABLES) {
    for (const line of (await run(['ldd', from])).split('\n')) {
      const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line.trim());
      if (match?.[1]) libs.add(match[1]);
    }
  }
  return [...libs].sort();
}

/** Copies `from` (following symbolic links) to `rootfs` + `to`. */
async function place(rootfs: string, from: string, to = from): Promise<void> {
  const target = join(rootfs, to);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(await realpath(from), target);
}

async function copyPglite(app: string): Promise<void> {
  const source = await realpath(join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite'));
  const target = join(app, 'node_modules', '@electric-sql', 'pglite');
  await mkdir(target, { recursive: true });
  await copyFile(join(source, 'package.json'), join(target, 'package.json'));
  const entries = await readdir(join(source, 'dist'), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || PGLITE_SKIP.test(entry.name)) continue;
    const from = join(entry.parentPath, entry.name);
    await place(target, from, join('dist', relative(join(source, 'dist'), from)));
  }
}

/** Stages the image's root filesystem under `dir`/rootfs. */
async function stage(dir: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  const app = join(rootfs, 'app');
  await mkdir(app, { recursive: true });
  for (const { from, to } of EXECUTABLES) await place(rootfs, from, to);
  for (const lib of await hostLibraries()) await place(rootfs, lib);
  await place(rootfs, CA_BUNDLE);
  await mkdir(join(rootfs, 'etc'), { recursive: true });
  await writeFile(
    join(rootfs, 'etc', 'passwd'),
    `root:x:0:0:root:/root:/sbin/nologin\ndiracx:x:${IMAGE_UID}:${IMAGE_UID}:diracx:/var/lib/diracx:/sbin/nologin\n`,
  );
  await writeFile(join(rootfs, 'etc', 'group'), `root:x:0:\ndiracx:x:${IMAGE_UID}:\n`);
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  // DIRACX_DATA_DIR, owned by the user (the Containerfile's COPY --chown): a volume mounted there
  // starts with the image's ownership under podman, and is writable without a pod fsGroup.
  await mkdir(join(dir, 'data'), { recursive: true });

  for (const { entry, out } of BUNDLES) {
    const result = await Bun.build({
      entrypoints: [join(REPO_ROOT, entry)],
      target: 'bun',
      outdir: app,
      naming: out,
      external: ['@electric-sql/pglite'],
      plugins: [relocateFolders],
      throw: false,
    });
    if (!result.success) throw new Error(`bundling ${entry}: ${result.logs.map(String).join('\n')}`);
  }
  await cp(join(REPO_ROOT, 'src', 'db', 'migrations'), join(app, 'migrations'), { recursive: true });
  for (const { from, to } of RELOCATED_FOLDERS) await cp(join(REPO_ROOT, from), join(app, to), { recursive: true });
  await copyFile(join(REPO_ROOT, 'src', 'config', 'default.yml'), join(app, 'default.yml'));
  await copyPglite(app);
  await copyFile(CONTAINERFILE, join(dir, 'Containerfile'));
}

async function inspectImage(tag: string): Promise<{ id: string; sizeBytes: number }> {
  const [id = '', size = ''] = (await podmanOk(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', tag]))
    .trim()
    .split(' ');
  return { id, sizeBytes: Number(size) };
}

/** Removes the images earlier inputs built (tags other than `keep` and :latest), ignoring those in use. */
async function removeOlderBuilds(keep: string): Promise<void> {
  const listed = await podmanOk(['images', '--format', '{{.Repository}}:{{.Tag}}', IMAGE_NAME]);
  for (const tag of new Set(listed.split('\n').filter((t) => t.startsWith(`${IMAGE_NAME}:`)))) {
    if (tag !== keep && tag !== `${IMAGE_NAME}:latest`) await podman(['rmi', tag]);
  }
}

/** Builds the image unless one with the same inputs exists (`force` rebuilds). */
export async function buildImage(options: { force?: boolean } = {}): Promise<BuiltImage> {
  const tag = `${IMAGE_NAME}:${await imageInputsHash()}`;
  if (!options.force && (await podman(['image', 'exists', tag])).code === 0) {
    return { tag, ...(await inspectImage(tag)), cached: true };
  }
  const dir = await mkdtemp(join(tmpdir(), 'diracx-image-'));
  try {
    await stage(dir);
    await podmanOk(['build', '--quiet', '--file', join(dir, 'Containerfile'), '--tag', tag, dir]);
    await podmanOk(['tag', tag, `${IMAGE_NAME}:latest`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await removeOlderBuilds(tag);
  return { tag, ...(await inspectImage(tag)), cached: false };
}

if (import.meta.main) {
  try {
    const built = await buildImage({ force: Bun.argv.includes('--force') });
    const size = `${(built.sizeBytes / 1e6).toFixed(1)} MB`;
    console.log(`${built.tag} (${built.cached ? 'already built' : 'built'}; ${size}); also tagged :latest`);
  } catch (err) {
    console.error(`diracx: image: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
