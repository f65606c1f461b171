# The pipeline as a container: built from this repository in a Maven stage, run on a JRE.
#   docker build -t iot-pipeline .      (docker compose builds it for the stack)
# The image holds only the pipeline: iot-pipeline-service.jar, without the zero-install run's embedded Kafka broker and
# PostgreSQL (and their binaries), so it needs KAFKA_BROKERS and DB_URL (docs/operations.md).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY sql sql
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the container health check
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app iot
WORKDIR /app
COPY --from=build /src/target/iot-pipeline-service.jar /app/iot-pipeline-service.jar
COPY routes /app/routes
COPY deploy/pipeline.properties /app/config/pipeline.properties
USER iot
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS http://localhost:8080/observe/health/ready || exit 1
# A small heap is enough: the backlog waits in Kafka, not in memory. The JIT's first tier only: the second tier's
# compiler threads cost more CPU than its faster code saved, on 900,000 and on 3 million readings (bench/README.md,
# session 14: app CPU 18.6 -> 10.5 s and 25.3 -> 21.5 s; peak RSS 436 -> 387 MiB).
ENV JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
# exec: SIGTERM reaches the JVM directly, so the batch in flight is written and committed before it exits
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/iot-pipeline-service.jar \"$@\"", "iot-pipeline"]
CMD ["--propertiesLocation=file:/app/config/pipeline.properties"]
