#!/usr/bin/env python3
"""The library's module graph must have no cycle.

Reads the object files of every layer of libdnsts (BUILD/lib/CMakeFiles/
dnsts_<layer>.dir/), takes from `nm` which global symbols each defines and
which it needs, draws an edge a -> b when object a needs a symbol that object
b defines, and fails naming every cycle (strongly connected component of
more than one module).  Also fails when a module needs a module of a higher
layer (the include paths and the --no-undefined links catch that at build
time; this says which symbol).

usage: lib_module_graph.py BUILD_DIR
"""
import glob
import os
import subprocess
import sys

LAYERS = ["util", "input", "net", "dns", "detect", "report", "state", "scan"]


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True,
                         text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if l.strip()}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True,
                         check=True).stdout
    needed = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, needed


def main():
    build = sys.argv[1]
    mods = {}
    for layer in LAYERS:
        objs = sorted(glob.glob(os.path.join(build, "lib", "CMakeFiles",
                                             "dnsts_%s.dir" % layer, "**", "*.o"),
                                recursive=True))
        if not objs:
            print("no object files for layer %s under %s" % (layer, build))
            return 1
        for o in objs:
            name = "%s/%s" % (layer, os.path.basename(o)[:-len(".c.o")])
            mods[name] = (layer, o) + symbols(o)
    owner = {}
    for name, (_, _, defined, _) in mods.items():
        for s in defined:
            owner[s] = name
    edges = {name: {} for name in mods}
    bad = 0
    for name, (layer, _, _, needed) in mods.items():
        for s in sorted(needed):
            o = owner.get(s)
            if o and o != name:
                edges[name].setdefault(o, s)
                if LAYERS.index(mods[o][0]) > LAYERS.index(layer):
                    print("upward: %s needs %s from %s" % (name, s, o))
                    bad += 1
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(mods):
        if v not in index:
            visit(v)
    for comp in sccs:
        if len(comp) > 1:
            bad += 1
            comp = sorted(comp)
            print("cycle: " + " <-> ".join(comp))
            for a in comp:
                for b, s in sorted(edges[a].items()):
                    if b in comp:
                        print("  %s needs %s (%s)" % (a, b, s))
    nedges = sum(len(e) for e in edges.values())
    print("%d modules, %d edges, %d problems" % (len(mods), nedges, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
