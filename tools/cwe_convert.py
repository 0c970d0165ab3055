#!/usr/bin/env python3
"""cwe_convert.py - convert MITRE's CWE catalogue, as shipped by the npm package
cwe-sdk, into data/cwe/cwe.tsv (the table src/rules/cwe.c looks ids up in).

Run by a developer; the output is committed together with this script, and the
build only embeds the committed TSV (tools/embed_text.py).  The normal flow:

    cd /tmp && npm pack cwe-sdk@1.1.19          # writes cwe-sdk-1.1.19.tgz
    tools/cwe_convert.py /tmp/cwe-sdk-1.1.19.tgz data/cwe/cwe.tsv

or let the script run npm itself:

    tools/cwe_convert.py --fetch 1.1.19 data/cwe/cwe.tsv

SOURCE may be the package tarball, the unpacked package/ folder, or the
catalogue XML itself (raw/cwe-archive.xml; the package version is then taken
from a package.json beside raw/, if there is one).

Output: three header lines, then one row per CWE entry (weaknesses, categories
and views), sorted by id:

    # <provenance: package, MITRE catalogue version and date>
    # rows: N
    id<TAB>kind<TAB>status<TAB>usage<TAB>name_zh<TAB>name_en

kind is weakness / category / view; status is MITRE's (Stable, Draft,
Incomplete, Obsolete, Deprecated); usage is MITRE's mapping guidance
(Allowed, Allowed-with-Review, Discouraged, Prohibited; empty when absent).
name_zh stays empty (it comes before name_en so that no line ends in
whitespace): the package has no Chinese names, and names are never
machine-translated.  --zh FILE merges reviewed Chinese names from a two-column
TSV (id, name_zh) whose first line is a "# source: ..." comment naming where
they come from; that source is copied into the header.

Python 3 standard library only.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET

NS = '{http://cwe.mitre.org/cwe-7}'
SECTIONS = (('Weaknesses', 'Weakness', 'weakness'),
            ('Categories', 'Category', 'category'),
            ('Views', 'View', 'view'))
NAME_MAX = 255          # src/rules/cwe.h CWE_NAME_MAX - 1
XML_IN_PACKAGE = 'package/raw/cwe-archive.xml'


def fail(msg):
    sys.exit('cwe_convert: ' + msg)


def read_tarball(path):
    """(xml bytes, package.json dict) from an npm pack tarball."""
    with tarfile.open(path, 'r:gz') as tar:
        try:
            xml = tar.extractfile(XML_IN_PACKAGE).read()
            pkg = json.load(tar.extractfile('package/package.json'))
        except KeyError as exc:
            fail('%s: not a cwe-sdk package (%s)' % (path, exc))
    return xml, pkg


def read_source(path):
    if os.path.isfile(path) and tarfile.is_tarfile(path):
        return read_tarball(path)
    if os.path.isdir(path):
        xml_path = os.path.join(path, 'raw', 'cwe-archive.xml')
        pkg_path = os.path.join(path, 'package.json')
    else:
        xml_path = path
        pkg_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))),
                                'package.json')
    with open(xml_path, 'rb') as f:
        xml = f.read()
    pkg = {}
    if os.path.exists(pkg_path):
        with open(pkg_path, encoding='utf-8') as f:
            pkg = json.load(f)
    return xml, pkg


def fetch(version):
    """npm pack cwe-sdk@VERSION into a temporary folder; return its bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = 'cwe-sdk@' + version
        try:
            res = subprocess.run(['npm', 'pack', spec], cwd=tmp, check=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except (OSError, subprocess.CalledProcessError) as exc:
            fail('npm pack %s failed: %s' % (spec, exc))
        name = res.stdout.decode().strip().splitlines()[-1]
        return read_tarball(os.path.join(tmp, name))


def clean(text, what):
    text = ' '.join(text.split())
    if not text or '\t' in text:
        fail('bad %s %r' % (what, text))
    if len(text.encode('utf-8')) > NAME_MAX:
        fail('%s longer than %d bytes: %r' % (what, NAME_MAX, text))
    return text


def read_zh(path):
    """({id: name_zh}, source line) from a reviewed two-column TSV."""
    names, source = {}, None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if n == 1:
                if not line.startswith('# source:'):
                    fail('%s: first line must be "# source: ..."' % path)
                source = line[len('# source:'):].strip()
                continue
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 2 or not cols[0].isdigit():
                fail('%s:%d: expected "id<TAB>name_zh"' % (path, n))
            names[int(cols[0])] = clean(cols[1], 'zh name of CWE-' + cols[0])
    return names, source


def entries(root):
    rows = {}
    for section, tag, kind in SECTIONS:
        sec = root.find(NS + section)
        if sec is None:
            fail('catalogue has no %s' % section)
        for e in sec.findall(NS + tag):
            cwe_id = int(e.get('ID'))
            if cwe_id in rows:
                fail('duplicate id %d' % cwe_id)
            usage = ''
            notes = e.find(NS + 'Mapping_Notes')
            if notes is not None and notes.find(NS + 'Usage') is not None:
                usage = (notes.find(NS + 'Usage').text or '').strip()
            rows[cwe_id] = (kind, clean(e.get('Status') or '', 'status'), usage,
                            clean(e.get('Name') or '', 'name of CWE-%d' % cwe_id))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--fetch', metavar='VERSION', help='npm pack cwe-sdk@VERSION first')
    ap.add_argument('--zh', metavar='FILE', help='reviewed Chinese names (id<TAB>name_zh)')
    ap.add_argument('source', nargs='?', help='tarball, package folder or cwe-archive.xml')
    ap.add_argument('output', help='the TSV to write, e.g. data/cwe/cwe.tsv')
    args = ap.parse_args()
    if bool(args.fetch) == bool(args.source):
        ap.error('give either --fetch VERSION or SOURCE')

    xml, pkg = fetch(args.fetch) if args.fetch else read_source(args.source)
    root = ET.parse(io.BytesIO(xml)).getroot()
    if root.tag != NS + 'Weakness_Catalog':
        fail('not a CWE catalogue (root %s)' % root.tag)
    rows = entries(root)
    zh, zh_source = read_zh(args.zh) if args.zh else ({}, None)
    unknown = sorted(set(zh) - set(rows))
    if unknown:
        fail('--zh names ids not in the catalogue: %s' % unknown[:10])

    package = 'npm %s@%s' % (pkg.get('name', 'cwe-sdk'), pkg.get('version', '?'))
    prov = ('# cwe.tsv - generated by tools/cwe_convert.py: do not edit. Source: %s '
            '(raw/cwe-archive.xml), MITRE CWE catalogue version %s of %s; '
            'name_zh: %s' % (package, root.get('Version'), root.get('Date'),
                             zh_source or 'none (no Chinese source)'))
    out = io.StringIO()
    out.write(prov + '\n')
    out.write('# rows: %d\n' % len(rows))
    out.write('id\tkind\tstatus\tusage\tname_zh\tname_en\n')
    for cwe_id in sorted(rows):
        kind, status, usage, name = rows[cwe_id]
        out.write('%d\t%s\t%s\t%s\t%s\t%s\n' % (cwe_id, kind, status, usage,
                                                  zh.get(cwe_id, ''), name))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8', newline='\n') as f:
        f.write(out.getvalue())
    print('cwe_convert: %d entries from %s (CWE %s) -> %s'
          % (len(rows), package, root.get('Version'), args.output))


if __name__ == '__main__':
    main()
