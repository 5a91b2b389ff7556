#!/usr/bin/env python3
"""Generate a git repository with a planted history of fake Pictify keys, and a manifest of
exactly what a history scanner must find.

Usage: scripts/bench-history-gen.py OUT_DIR [--commits N] [--seed S] [--manifest FILE]

The history (written with `git fast-import`, so 10,000+ commits take seconds, then repacked
as a clone would receive it; files of 30 to 300 source-like lines): a `main`
branch whose commits edit a pool of files (some with odd names: spaces, a tab, a newline, a
quote, a leading dash, non-ASCII), topic branches forked from main that work in their own
directory and are merged back (most) or left unmerged (a ref keeps them reachable), merges
that write a key themselves ("evil merges"), and keys that are introduced, removed (line
deleted or file deleted), re-added later (same key, same or other file) and committed on
branches only. Every key is a fixture: its body starts with FAKE. Placeholders
(`pk_live_your_api_key`), `pk_`-like identifiers and one binary file with a key are mixed in;
none of them is a finding.

The manifest (JSON) lists every finding the plan implies, computed from the plan alone: for
each commit and each path it writes, every line holding a key that is in none of the path's
parent versions (for a merge: none of the parents), with commit id, author, e-mail, date
(strict ISO 8601, as `git log --format=%aI`), path, 1-based line and column, fingerprint and
hash (first 16 hex digits of SHA-256 of the key); and for each key the commit that first
added it (the oldest such commit) and whether the final `main` tree still holds it.
"""
import argparse
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
AUTHORS = [
    ("Ann Lee", "ann@example.com"),
    ("Bob Stone", "bob@example.org"),
    ("Zoë Ünal", "zoe@example.net"),
    ("Chen Wei", "chen@example.com"),
    ("Dev Bot", "bot@ci.example"),
]
TZS = ["+0000", "+0100", "-0700", "+0530"]
ODD_PATHS = [
    "dir with space/settings file.py",
    "tabs/a\tb.txt",
    "new\nline/config.env",
    'quote"d/client.js',
    "-dash.yml",
    "ünïcode/ключ.toml",
]
# Source-like lines: one in sixteen mentions the pk_ prefix without being a key (a decoy that
# sends a scanner's prefilter to its slow path) and one in sixteen is a documentation
# placeholder (never a finding, counted as a placeholder).
FILLER = [
    "def render(template_id, width=1200):",
    "    return client.post('/v1/render', json=payload, timeout=30)",
    "// check_pk_live_mode before sending; the pk_ prefix is validated elsewhere",
    "const retries = 3;",
    "logger.info('rendered %s', template_id)",
    "PLACEHOLDER = 'pk_live_your_api_key'",
    "    if err != nil { return err }",
    "    for (const item of items) { total += item.price * item.quantity; }",
    "class RenderOptions(BaseModel):",
    "    width: int = 1200",
    "    height: int = 630",
    "export async function render(options: RenderOptions): Promise<Buffer> {",
    "  const response = await fetch(`${baseUrl}/v1/render`, { method: 'POST', body });",
    "import { Pictify } from '@pictify/sdk';",
    "    raise ValueError(f'unknown template: {template_id}')",
    "}",
]
TEMPLATES = [
    'PICTIFY_API_KEY = "{}"',
    "const apiKey = '{}';",
    "export PICTIFY_API_KEY={}",
    "  api_key: {}",
    'client = Pictify(api_key="{}")',
    "Authorization: Bearer {}",
]


def new_key(rnd, used):
    while True:
        body = "FAKE" + "".join(rnd.choice(B62) for _ in range(24))
        if any(body[i] == body[i + 1] == body[i + 2] for i in range(len(body) - 2)):
            continue
        key = "pk_%s_%s" % (rnd.choice(["live", "test"]), body)
        if key not in used:
            used.add(key)
            return key


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def fingerprint(key):
    return key[:8] + "****" + key[-4:]


def keys_in(lines, known):
    """The keys (from `known`) each line holds, as (line index, column, key)."""
    out = []
    for i, line in enumerate(lines):
        at = line.find("pk_live_FAKE")
        if at < 0:
            at = line.find("pk_test_FAKE")
        if at >= 0:
            key = line[at:at + 8 + 28]
            if key in known:
                out.append((i, at, key))
    return out


def quote(path):
    if any(c in path for c in '"\n\t\\') or path.startswith('"'):
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    return path


class Gen:
    def __init__(self, rnd, n_commits):
        self.rnd = rnd
        self.n = n_commits
        self.used = set()
        self.planted = []  # every key planted so far (for re-adding)
        self.t = 1_767_225_600  # 2026-01-01T00:00:00Z
        self.mark = 0
        self.out = []
        self.commits = []  # (mark, author, email, iso date)
        self.findings = []  # (mark, path, line, column, key)
        # branch -> {"head": mark or None, "files": {path: [lines]}}
        self.branches = {"main": {"head": None, "files": {}}}
        self.topics = []  # open topic branch names
        self.topic_n = 0
        self.main_paths = ["src/app%d.py" % i for i in range(40)] + ["config/%d.env" % i for i in range(20)] + ODD_PATHS

    def filler(self, k):
        return [self.rnd.choice(FILLER) for _ in range(k)]

    def key_line(self):
        r = self.rnd.random()
        if self.planted and r < 0.4:
            key = self.rnd.choice(self.planted)  # re-added (maybe after a removal)
        else:
            key = new_key(self.rnd, self.used)
            self.planted.append(key)
        line = self.rnd.choice(TEMPLATES).format(key)
        if self.rnd.random() < 0.5:
            line = " " * self.rnd.randint(0, 8) + line
        return line

    def edit(self, files, path, allow_delete=True):
        """A new version of `path` (None: deleted)."""
        old = files.get(path)
        if old is None:
            lines = self.filler(self.rnd.randint(30, 300))
            if self.rnd.random() < 0.3:
                lines.insert(self.rnd.randrange(len(lines) + 1), self.key_line())
            return lines
        lines = list(old)
        r = self.rnd.random()
        with_keys = [i for i, _, _ in keys_in(lines, self.used)]
        if r < 0.05 and allow_delete:
            return None
        if r < 0.25 and with_keys:
            del lines[self.rnd.choice(with_keys)]  # a key removed
        elif r < 0.45:
            lines.insert(self.rnd.randrange(len(lines) + 1), self.key_line())
        else:
            for _ in range(self.rnd.randint(1, 4)):
                i = self.rnd.randrange(len(lines) + 1)
                if self.rnd.random() < 0.5 and i < len(lines):
                    lines[i] = self.rnd.choice(FILLER)
                else:
                    lines.insert(i, self.rnd.choice(FILLER))
        return lines

    def commit(self, branch, writes, merge_from=None, msg="change"):
        """Writes {path: lines or None} on `branch` (with a second parent for a merge)."""
        b = self.branches[branch]
        self.mark += 1
        self.t += self.rnd.randint(30, 600)
        m = self.mark
        name, email = self.rnd.choice(AUTHORS)
        tz = self.rnd.choice(TZS)
        sign = 1 if tz[0] == "+" else -1
        offset = datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign
        date = datetime.datetime.fromtimestamp(self.t, datetime.timezone(offset)).isoformat()
        self.commits.append((m, name, email, date))
        parents = [b["files"]]
        o = self.out
        o.append("commit refs/heads/%s\nmark :%d\n" % (branch, m))
        ident = "%s <%s> %d %s\n" % (name, email, self.t, tz)
        o.append("author " + ident + "committer " + ident)
        data = msg.encode()
        o.append("data %d\n%s\n" % (len(data), msg))
        if b["head"] is not None:
            o.append("from :%d\n" % b["head"])
        if merge_from is not None:
            other = self.branches[merge_from]
            o.append("merge :%d\n" % other["head"])
            parents.append(other["files"])
        for path, lines in writes.items():
            if lines is None:
                o.append("D %s\n" % quote(path))
                b["files"].pop(path, None)
                continue
            before = set()
            for p in parents:
                before |= {k for _, _, k in keys_in(p.get(path) or [], self.used)}
            for i, col, key in keys_in(lines, self.used):
                if key not in before:
                    self.findings.append((m, path, i + 1, col + 1, key))
            body = ("\n".join(lines) + "\n").encode()
            o.append("M 100644 inline %s\ndata %d\n" % (quote(path), len(body)))
            o.append(body.decode() + "\n")
            b["files"][path] = lines
        b["head"] = m

    def run(self):
        rnd = self.rnd
        main = self.branches["main"]
        # A root commit with a few files and a binary file holding a key (skipped: binary).
        first = {p: self.filler(10) for p in self.main_paths[:8]}
        self.commit("main", first, msg="initial")
        self.out.append("commit refs/heads/main\nmark :%d\n" % (self.mark + 1))
        self.mark += 1
        self.t += 60
        name, email = AUTHORS[0]
        self.commits.append((self.mark, name, email,
                             datetime.datetime.fromtimestamp(self.t, datetime.timezone.utc).isoformat()))
        ident = "%s <%s> %d +0000\n" % (name, email, self.t)
        self.out.append("author " + ident + "committer " + ident + "data 6\nbinary\nfrom :%d\n" % main["head"])
        binary = b"\x00\x01PNG" + new_key(rnd, self.used).encode() + b"\x00" * 64
        self.out.append("M 100644 inline assets/logo.png\ndata %d\n" % len(binary))
        self.out.append(binary.decode("latin-1") + "\n")
        main["head"] = self.mark
        while self.mark < self.n:
            r = rnd.random()
            if r < 0.04 and len(self.topics) < 4:
                self.topic_n += 1
                name = "topic/%d" % self.topic_n
                self.branches[name] = {"head": main["head"], "files": dict(main["files"]), "dir": "topic-%d/" % self.topic_n}
                self.topics.append(name)
            elif r < 0.35 and self.topics:
                name = rnd.choice(self.topics)
                b = self.branches[name]
                own = [p for p in b["files"] if p.startswith(b["dir"])]
                if own and rnd.random() < 0.7:
                    path = rnd.choice(own)
                else:
                    path = b["dir"] + "f%d.py" % rnd.randrange(6)
                lines = self.edit(b["files"], path)
                self.commit(name, {path: lines}, msg="topic work")
                if rnd.random() < 0.12:
                    self.topics.remove(name)
                    if rnd.random() < 0.8:
                        # Merge into main: the branch's own files as the branch has them.
                        writes = {}
                        for p in set(b["files"]) | set(main["files"]):
                            if p.startswith(b["dir"]) and b["files"].get(p) != main["files"].get(p):
                                writes[p] = b["files"].get(p)
                        if rnd.random() < 0.2:
                            # An evil merge: the merge commit writes a key itself.
                            p = rnd.choice(self.main_paths)
                            lines = list(main["files"].get(p) or self.filler(5))
                            lines.insert(rnd.randrange(len(lines) + 1), self.key_line())
                            writes[p] = lines
                        self.commit("main", writes, merge_from=name, msg="merge " + name)
                    # else: left unmerged, reachable from its ref only.
            else:
                writes = {}
                for _ in range(rnd.choice([1, 1, 1, 2, 3])):
                    path = rnd.choice(self.main_paths)
                    if path in writes:
                        continue
                    writes[path] = self.edit(main["files"], path)
                self.commit("main", writes)
        return "".join(self.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--manifest")
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)
    gen = Gen(random.Random(a.seed), a.commits)
    stream = gen.run()
    os.makedirs(a.out, exist_ok=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", a.out], check=True, env=env)
    marks = os.path.join(a.out, ".git", "gen-marks")
    subprocess.run(["git", "-C", a.out, "fast-import", "--quiet", "--export-marks=" + marks],
                   input=stream.encode("utf-8", "surrogateescape"), check=True, env=env)
    subprocess.run(["git", "-C", a.out, "reset", "-q", "--hard", "main"], check=True, env=env)
    # One pack with git's usual delta choices, as a clone receives it (fast-import's own pack
    # deltifies in creation order).
    subprocess.run(["git", "-C", a.out, "repack", "-adfq"], check=True, env=env)
    sha = {}
    with open(marks) as f:
        for line in f:
            m, s = line.split()
            sha[int(m[1:])] = s
    info = {m: (n, e, d) for m, n, e, d in gen.commits}
    findings = []
    first = {}
    for m, path, line, col, key in gen.findings:
        n, e, d = info[m]
        findings.append({"commit": sha[m], "author": n, "email": e, "date": d, "path": path,
                         "line": line, "column": col, "key": key, "fingerprint": fingerprint(key),
                         "hash": "sha256:" + key_hash(key), "mode": key[3:7]})
        if key not in first or m < first[key]:
            first[key] = m
    head = {k for lines in gen.branches["main"]["files"].values() for _, _, k in keys_in(lines, gen.used)}
    keys = [{"key": k, "hash": "sha256:" + key_hash(k), "fingerprint": fingerprint(k),
             "introduced": sha[m], "in_head": k in head} for k, m in sorted(first.items())]
    manifest = {"commits": gen.mark, "findings": findings, "keys": keys,
                "branches": sorted(b for b in gen.branches if b != "main")}
    path = a.manifest or os.path.join(a.out, ".git", "planted.json")
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    print("generated %d commits, %d findings of %d keys (%d no longer in main), %d branches" % (
        gen.mark, len(findings), len(keys), sum(1 for k in keys if not k["in_head"]), len(manifest["branches"])),
        file=sys.stderr)


if __name__ == "__main__":
    main()
