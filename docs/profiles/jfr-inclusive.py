#!/usr/bin/env python3
import sys, re, subprocess, collections
# usage: jfr-inclusive.py FILE.jfr MARKER... -> the share of jdk.ExecutionSample stacks containing each marker (a substring of
# a frame, e.g. BatchEncryptor or Zstd), and the leaf frames by package. Needs the JDK's `jfr` on the PATH.
f=sys.argv[1]
out=subprocess.run(['jfr','print','--stack-depth','96','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout
samples=[]; cur=None
for line in out.splitlines():
    line=line.strip()
    if line.startswith('jdk.ExecutionSample'):
        cur=[]; samples.append(cur)
    elif cur is not None and re.match(r'^[\w$.<>/]+\.[\w$<>]+\(.*line:',line):
        cur.append(line.split('(')[0])
markers=[l for l in sys.argv[2:]]
n=len(samples)
print(f"{f}: {n} execution samples")
cnt=collections.Counter()
for s in samples:
    seen=set()
    for m in markers:
        if any(m in fr for fr in s): seen.add(m)
    for m in seen: cnt[m]+=1
for m in markers:
    print(f"  {100*cnt[m]/max(n,1):5.1f}%  {m}")
# leaf packages
pk=collections.Counter()
for s in samples:
    if s:
        p='.'.join(s[0].split('.')[:3]); pk[p]+=1
print("  leaf packages:", ', '.join(f"{k} {100*v/n:.0f}%" for k,v in pk.most_common(10)))
