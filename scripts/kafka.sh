#!/usr/bin/env bash
# Runs the REAL Apache Kafka broker (KRaft, one combined broker+controller node, loopback only)
# from its Maven Central artifacts with the machine's Java (17+). No Docker, no Kafka install.
#
#   bash scripts/kafka.sh fetch    resolve the broker jars into .cache/kafka/libs-<version> (cached)
#   bash scripts/kafka.sh start    fetch if needed, format storage once, start, wait until ready
#   bash scripts/kafka.sh stop     SIGTERM, bounded wait, then SIGKILL
#   bash scripts/kafka.sh status   exit 0 if running, 3 if not
#   bash scripts/kafka.sh reset    stop and delete the data directory
#
# Environment:
#   KAFKA_PORT (9092)             client listener (PLAINTEXT) on 127.0.0.1
#   KAFKA_CONTROLLER_PORT (9093)  KRaft controller listener on 127.0.0.1
#   KAFKA_NUM_PARTITIONS (3)      default partitions of auto-created topics
#   KAFKA_VERSION                 overrides kafka.version from scripts/kafka/pom.xml
#   KAFKA_HEAP_OPTS               default "-Xms256m -Xmx512m"
#   KAFKA_START_TIMEOUT (90)      seconds to wait for readiness
#   KAFKA_STOP_TIMEOUT (30)       seconds to wait after SIGTERM before SIGKILL
#   JAVA_HOME / PATH              which java; MVN (mvn) which Maven
# Two brokers can run side by side with different KAFKA_PORT/KAFKA_CONTROLLER_PORT; every
# per-broker file (data, config, log, pid) is keyed by KAFKA_PORT.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"
CACHE="$ROOT/.cache/kafka"

HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-3}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"

if [[ -z "${KAFKA_VERSION:-}" ]]; then
  KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)"
fi
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka.sh: cannot read kafka.version from $POM" >&2; exit 1; }

LIBS="$CACHE/libs-$KAFKA_VERSION"
DATA="$CACHE/data-$KAFKA_PORT"
PROPS="$CACHE/server-$KAFKA_PORT.properties"
LOG="$CACHE/kafka-$KAFKA_PORT.log"
PIDFILE="$CACHE/kafka-$KAFKA_PORT.pid"
LOG4J="$CACHE/log4j2.properties"

say() { echo "kafka.sh: $*"; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  [[ "$p" =~ ^[0-9]+$ ]] || die "port '$p' is not a number"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

find_java() {
  local java
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  else
    java="$(command -v java || true)"
  fi
  [[ -n "$java" ]] || die "no java found (set JAVA_HOME or put java on PATH); Kafka $KAFKA_VERSION needs Java 17+"
  local major
  major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
  major="${major#1.}"
  if [[ ! "$major" =~ ^[0-9]+$ ]] || (( major < 17 )); then
    die "$java is Java '${major:-?}'; Kafka $KAFKA_VERSION needs Java 17+"
  fi
  JAVA="$java"
}

# ---------------------------------------------------------------- fetch
fetch() {
  if [[ -f "$LIBS/.complete" ]]; then
    say "Kafka $KAFKA_VERSION jars cached in ${LIBS#"$ROOT"/}"
    return 0
  fi
  command -v "$MVN" >/dev/null || die "Maven ('$MVN') not found; it resolves the broker from Maven Central"
  mkdir -p "$CACHE"
  # copy into a private directory and rename it when complete, so an interrupted or concurrent
  # fetch never leaves a half-filled libs directory that looks cached
  local tmp="$CACHE/.libs-$KAFKA_VERSION.tmp.$$"
  rm -rf "$tmp"
  say "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central ..."
  local start=$SECONDS
  local mvnlog="$CACHE/fetch-$KAFKA_VERSION.$$.log"
  if ! "$MVN" -q -B -f "$POM" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -Dkafka.libs.dir="$tmp" >"$mvnlog" 2>&1; then
    cat "$mvnlog" >&2
    rm -rf "$tmp" "$mvnlog"
    die "Maven could not resolve Kafka $KAFKA_VERSION (see the errors above)"
  fi
  rm -f "$mvnlog"
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after resolution"; }
  touch "$tmp/.complete"
  if ! mv -T "$tmp" "$LIBS" 2>/dev/null; then
    rm -rf "$tmp"   # another fetch finished first
    [[ -f "$LIBS/.complete" ]] || die "could not move the jars into $LIBS"
  fi
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) into ${LIBS#"$ROOT"/} in $((SECONDS - start))s"
}

# ---------------------------------------------------------------- process helpers
# pid of OUR broker for this port, or nothing (guards against stale pid files and pid reuse)
broker_pid() {
  [[ -f "$PIDFILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $PROPS "; then
    echo "$pid"
  fi
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

log_tail() {
  if [[ -f "$LOG" ]]; then
    echo "----- last 40 lines of $LOG -----" >&2
    tail -n 40 "$LOG" >&2
    echo "-----" >&2
  fi
}

write_config() {
  mkdir -p "$CACHE" "$DATA"
  local tmp="$PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# Generated by scripts/kafka.sh — rewritten on every start; edit the script instead.
# KRaft single combined broker+controller node, loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA

# single replica
num.partitions=$KAFKA_NUM_PARTITIONS
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
EOF
  mv -f "$tmp" "$PROPS"

  tmp="$LOG4J.tmp.$$"
  cat >"$tmp" <<'EOF'
# Generated by scripts/kafka.sh: the broker logs to stdout, which the script sends to the log file.
status = warn
name = kafka-local
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
  mv -f "$tmp" "$LOG4J"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0   # already formatted: keep the data across stop/start
  fi
  local cluster_id
  cluster_id="$("$JAVA" -Dlog4j2.configurationFile="$LOG4J" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid returned '$cluster_id'"
  say "formatting ${DATA#"$ROOT"/} (cluster id $cluster_id)"
  if ! "$JAVA" -Dlog4j2.configurationFile="$LOG4J" -cp "$LIBS/*" kafka.tools.StorageTool \
      format --standalone -t "$cluster_id" -c "$PROPS" >"$CACHE/format-$KAFKA_PORT.log" 2>&1; then
    cat "$CACHE/format-$KAFKA_PORT.log" >&2
    die "StorageTool format failed"
  fi
}

# ---------------------------------------------------------------- commands
wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      log_tail
      die "broker process $pid exited during startup"
    fi
    if grep -q "Kafka Server started" "$LOG" 2>/dev/null && port_open "$KAFKA_PORT"; then
      return 0
    fi
    sleep 0.25
  done
  return 1
}

start() {
  local pid
  pid="$(broker_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid" || { log_tail; die "broker (pid $pid) is running but not ready after ${KAFKA_START_TIMEOUT}s"; }
    say "already running (pid $pid), listening on $HOST:$KAFKA_PORT"
    return 0
  fi
  rm -f "$PIDFILE"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $HOST:$p is already in use by another process (not this script's broker for port $KAFKA_PORT)"
    fi
  done

  find_java
  fetch
  write_config
  format_storage

  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
  local t0=$SECONDS
  # setsid: the broker gets its own session, so a Ctrl-C aimed at the caller does not reach it
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
  setsid "$JAVA" $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"

  if ! wait_ready "$pid"; then
    log_tail
    stop_pid "$pid" >&2 || true
    rm -f "$PIDFILE"
    die "broker did not become ready within ${KAFKA_START_TIMEOUT}s (stopped it again)"
  fi
  say "Kafka $KAFKA_VERSION ready in $((SECONDS - t0))s (pid $pid): PLAINTEXT $HOST:$KAFKA_PORT, controller $HOST:$KAFKA_CONTROLLER_PORT"
  say "data ${DATA#"$ROOT"/}, log ${LOG#"$ROOT"/}"
}

stop_pid() {
  local pid="$1" deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "broker (pid $pid) still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

stop() {
  local pid
  pid="$(broker_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PIDFILE"
    say "not running (port $KAFKA_PORT)"
    return 0
  fi
  local t0=$SECONDS
  stop_pid "$pid"
  rm -f "$PIDFILE"
  say "stopped (pid $pid, port $KAFKA_PORT) in $((SECONDS - t0))s"
}

status() {
  local pid
  pid="$(broker_pid)"
  if [[ -n "$pid" ]]; then
    if port_open "$KAFKA_PORT"; then
      say "running (pid $pid), listening on $HOST:$KAFKA_PORT"
    else
      say "running (pid $pid), $HOST:$KAFKA_PORT not accepting connections yet"
    fi
    return 0
  fi
  say "not running (port $KAFKA_PORT)"
  return 3
}

reset() {
  stop
  rm -rf "$DATA" "$PROPS" "$CACHE/format-$KAFKA_PORT.log"
  say "deleted ${DATA#"$ROOT"/}"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) reset ;;
  *) echo "usage: bash scripts/kafka.sh fetch|start|stop|status|reset" >&2; exit 2 ;;
esac
