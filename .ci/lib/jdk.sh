# shellcheck shell=bash
# Finds a JDK >= 21 for Umbra. Sourced by ./umbra and .ci/run, so the search is written once.
#
#   umbra_use_jdk   exports JAVA_HOME (and puts its bin/ first on PATH), or prints what to install
#                   and returns 1.
#
# Order: $UMBRA_JAVA_HOME, then $JAVA_HOME, when they hold a JDK >= 21; otherwise the newest JDK >= 21
# among the usual install locations and the `java` on PATH. Versions are read from each JDK's
# `release` file, so the search starts no JVM unless a JDK lacks that file.

UMBRA_MIN_JAVA=21

# Prints the feature version (8, 17, 21, 25, ...) of the JDK at $1, or nothing if it is not a JDK.
umbra_jdk_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  if [[ -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release" | head -n 1)
  fi
  if [[ -z "$version" ]]; then
    # `java -version` writes e.g.: openjdk version "25.0.3" 2025-...
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}          # 1.8.0_402 -> 8.0_402
  version=${version%%[!0-9]*}    # 25.0.3 -> 25, 26-ea -> 26
  [[ -n "$version" ]] && printf '%s\n' "$version"
  return 0
}

# Lists candidate JDK homes, one per line (may contain duplicates and non-JDKs).
umbra_jdk_candidates() {
  local dir java_bin
  for dir in /usr/lib/jvm/* /usr/java/* /usr/local/java/* /opt/java/* /opt/jdk* /opt/*/jdk* \
             "${HOME:-}"/.sdkman/candidates/java/* "${HOME:-}"/.jdks/* "${HOME:-}"/.asdf/installs/java/* \
             "${HOME:-}"/.local/share/mise/installs/java/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home \
             "${HOME:-}"/Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -d "$dir" ]] && printf '%s\n' "$dir"
  done
  if java_bin=$(command -v java 2>/dev/null); then
    java_bin=$(readlink -f "$java_bin" 2>/dev/null || printf '%s' "$java_bin")
    printf '%s\n' "${java_bin%/bin/java}"
  fi
  return 0
}

# Prints the home of the newest JDK >= UMBRA_MIN_JAVA among the candidates, or nothing.
umbra_find_newest_jdk() {
  local dir real major best="" best_major=0 seen=$'\n'
  while IFS= read -r dir; do
    real=$(cd -P "$dir" 2>/dev/null && pwd -P) || continue
    [[ "$seen" == *$'\n'"$real"$'\n'* ]] && continue   # no associative arrays: macOS ships bash 3.2
    seen+="$real"$'\n'
    major=$(umbra_jdk_major "$real")
    [[ -n "$major" ]] || continue
    if (( major >= UMBRA_MIN_JAVA && major > best_major )); then
      best=$real
      best_major=$major
    fi
  done < <(umbra_jdk_candidates)
  [[ -n "$best" ]] && printf '%s\n' "$best"
  return 0
}

umbra_use_jdk() {
  local home="" var major
  for var in UMBRA_JAVA_HOME JAVA_HOME; do
    [[ -n "${!var:-}" ]] || continue
    major=$(umbra_jdk_major "${!var}")
    if [[ -n "$major" ]] && (( major >= UMBRA_MIN_JAVA )); then
      home=${!var}
      break
    fi
  done
  [[ -n "$home" ]] || home=$(umbra_find_newest_jdk)
  if [[ -z "$home" ]]; then
    cat >&2 <<EOF
umbra: no JDK ${UMBRA_MIN_JAVA} or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, /usr/java/*, /opt/java/*,
       ~/.sdkman, ~/.jdks, /Library/Java/JavaVirtualMachines and the java on PATH).
       Install a JDK ${UMBRA_MIN_JAVA}+ (for example Eclipse Temurin 21 or 25 from adoptium.net, or
       'apt-get install openjdk-21-jdk-headless' on Debian 13 / Ubuntu 24.04), or set JAVA_HOME to one.
EOF
    return 1
  fi
  export JAVA_HOME=$home
  export PATH="$JAVA_HOME/bin:$PATH"
}
