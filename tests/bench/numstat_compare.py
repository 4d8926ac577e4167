#!/usr/bin/env python3
"""Compares `git log --numstat --no-merges --format=@%H` output (argument 1) with temper's
exported commits table as CSV (argument 2), commit by commit; with a third argument the last
commit of the numstat output is dropped (git stopped in the middle of it)."""
import csv, sys
git={}; cur=None
for line in open(sys.argv[1]):
    line=line.rstrip('\n')
    if line.startswith('@'): cur=line[1:]; git[cur]=[0,0,0]; continue
    if not line: continue
    p=line.split('\t')
    if len(p)<3: continue
    g=git[cur]; g[2]+=1
    if p[0]!='-': g[0]+=int(p[0])
    if p[1]!='-': g[1]+=int(p[1])
if len(sys.argv) > 3: git.pop(cur, None)  # the last commit may be cut short
tem={}
for row in csv.DictReader(open(sys.argv[2])):
    if row['lines_added']=='': continue
    tem[row['commit']]=[int(row['lines_added']),int(row['lines_removed']),int(row['files_changed'])]
common=[c for c in git if c in tem]
G=[sum(git[c][i] for c in common) for i in range(3)]
T=[sum(tem[c][i] for c in common) for i in range(3)]
diff=[c for c in common if git[c]!=tem[c]]
print('commits compared %d (git %d, temper %d); differing %d (%.2f%%)'%(len(common),len(git),len(tem),len(diff),100*len(diff)/max(1,len(common))))
print('git    added %d removed %d files %d'%tuple(G))
print('temper added %d removed %d files %d'%tuple(T))
print('relative difference: added %+.4f%%, removed %+.4f%%, files %+.4f%%'%tuple(100*(T[i]-G[i])/G[i] for i in range(3)))
for c in diff[:5]: print(' ', c, 'git', git[c], 'temper', tem[c])
