// The migration corpus (item 3): realistic vendor configs, repeated to a few hundred
// files, each under the name its vendor gives it so that detection works as for a user.
// Sources, in order: test/fixtures/<vendor>/** (hand-written vendor files), then the
// generated files committed beside examples/*/ci.config.ts (or, when none are
// committed, freshly compiled from the examples).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

const VENDORS = ['gitlab', 'github', 'buildkite', 'jenkins', 'compose'];

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...filesUnder(p));
    } else out.push(p);
  }
  return out;
}

/** Which vendor a file belongs to, from its name (and folder), or undefined. */
function vendorOf(path, hint) {
  const p = path.replace(/\\/g, '/');
  if (/\.gitlab-ci\.ya?ml$/.test(p)) return 'gitlab';
  if (/\.github\/workflows\/[^/]+\.ya?ml$/.test(p)) return 'github';
  if (/\.buildkite\/[^/]*\.ya?ml$/.test(p)) return 'buildkite';
  if (/(^|\/)Jenkinsfile[^/]*$|\.groovy$|\.jenkinsfile$/.test(p)) return 'jenkins';
  if (/(^|\/)(docker-)?compose(\.[^/]+)?\.ya?ml$/.test(p)) return 'compose';
  if (hint && /\.ya?ml$/.test(p)) return hint;
  return undefined;
}

function canonicalName(vendor, stem) {
  switch (vendor) {
    case 'gitlab':
      return '.gitlab-ci.yml';
    case 'github':
      return `.github/workflows/${stem}.yml`;
    case 'buildkite':
      return '.buildkite/pipeline.yml';
    case 'jenkins':
      return 'Jenkinsfile';
    default:
      return 'compose.yaml';
  }
}

export function buildCorpus(root, dir, { copies = 300, cli, exampleDirs = [], targets = VENDORS } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sources = [];
  const fixtures = join(root, 'test/fixtures');
  for (const f of filesUnder(fixtures)) {
    const rel = relative(fixtures, f).replace(/\\/g, '/');
    const hint = VENDORS.includes(rel.split('/')[0]) ? rel.split('/')[0] : undefined;
    if (/\.(json|md|ts|js|snap|txt)$/.test(f) || /(^|\/)(expected|out|output)s?\//.test(rel)) continue;
    const vendor = vendorOf(rel, hint);
    // test/fixtures/<vendor>/<case>/input.yml: the case names the file
    const stem = rel.split('/').length > 2 ? rel.split('/').at(-2) : basename(f).replace(/^\./, '').replace(/\.[^.]+$/, '');
    if (vendor) sources.push({ vendor, stem: stem || vendor, text: readFileSync(f, 'utf8'), from: 'fixture' });
  }
  const fixtureCount = sources.length;
  for (const exRoot of exampleDirs) {
    for (const ex of existsSync(exRoot) ? readdirSync(exRoot) : []) {
      let files = filesUnder(join(exRoot, ex)).filter((f) => vendorOf(relative(join(exRoot, ex), f)));
      if (files.length === 0 && cli && existsSync(join(exRoot, ex, 'ci.config.ts')) && targets.length > 0) {
        const gen = join(dir, '..', 'corpus-gen', ex);
        spawnSync(process.execPath, [cli, 'compile', join(exRoot, ex, 'ci.config.ts'), '-t', targets.join(','), '-q', '--out', gen]);
        files = filesUnder(gen).filter((f) => vendorOf(relative(gen, f)));
      }
      for (const f of files) {
        const vendor = vendorOf(f);
        sources.push({ vendor, stem: ex, text: readFileSync(f, 'utf8'), from: 'example' });
      }
    }
  }
  const files = [];
  const vendorOfFile = {};
  if (sources.length > 0) {
    for (let i = 0; i < copies; i++) {
      const s = sources[i % sources.length];
      const file = join(dir, `${String(i).padStart(4, '0')}-${s.vendor}-${s.stem}`.replace(/[^A-Za-z0-9._-]/g, '_'), canonicalName(s.vendor, s.stem));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, s.text);
      files.push(file);
      vendorOfFile[file] = s.vendor;
    }
  }
  const byVendor = {};
  for (const s of sources) byVendor[s.vendor] = (byVendor[s.vendor] ?? 0) + 1;
  const kinds = Object.entries(byVendor)
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  return {
    files,
    vendorOf: vendorOfFile,
    kinds: `${sources.length} distinct: ${kinds}`,
    note: `corpus: ${fixtureCount} test fixtures + ${sources.length - fixtureCount} example outputs, repeated to ${files.length} files`,
  };
}
