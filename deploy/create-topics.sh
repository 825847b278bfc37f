#!/bin/sh
# One-shot topic creation for docker-compose (service `kafka-init`, apache/kafka image).
#
# Creates the app's three topics with STREAM_PARTITIONS partitions, the same names and
# counts the code uses (stream.kafka.topic_names, Settings.partitions), so the topics
# exist with the right layout before any worker or producer starts.  An existing topic
# with fewer partitions is grown; one with more cannot be shrunk by Kafka, so that is an
# error rather than a silent mismatch.
#
# Every value comes from the environment the compose file shares with the workers.
# TOPICS_CLI exists only so the tests can stand in a stub for kafka-topics.sh.
set -eu

cli="${TOPICS_CLI:-/opt/kafka/bin/kafka-topics.sh}"
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is not set}"
want="${STREAM_PARTITIONS:?STREAM_PARTITIONS is not set}"
rf="${STREAM_REPLICATION_FACTOR:-1}"

for topic in "${STREAM_TOPIC_ARTICLES:?}" "${STREAM_TOPIC_EVENTS:?}" "${STREAM_TOPIC_DEADLETTER:?}"; do
    "$cli" --bootstrap-server "$bootstrap" --create --if-not-exists \
        --topic "$topic" --partitions "$want" --replication-factor "$rf"
    have="$("$cli" --bootstrap-server "$bootstrap" --describe --topic "$topic" \
        | sed -n 's/.*PartitionCount: *\([0-9][0-9]*\).*/\1/p' | head -n 1)"
    if [ -z "$have" ]; then
        echo "create-topics: cannot read the partition count of $topic" >&2
        exit 1
    elif [ "$have" -lt "$want" ]; then
        echo "create-topics: $topic has $have partitions, growing to $want"
        "$cli" --bootstrap-server "$bootstrap" --alter --topic "$topic" --partitions "$want"
    elif [ "$have" -gt "$want" ]; then
        echo "create-topics: $topic has $have partitions, more than STREAM_PARTITIONS=$want;" \
             "Kafka cannot shrink a topic: delete it or raise STREAM_PARTITIONS" >&2
        exit 1
    fi
    echo "create-topics: $topic ready with $want partition(s)"
done
