#!/usr/bin/env bash
# Usage: deploy/hawtio/check-routes.sh JOLOKIA_URL OUT.png [USER PASSWORD]
# Runs the shared offline Hawtio check (../shared/tools/hawtio/routes-shot.sh: the real Hawtio 4.2 console in
# headless Chromium) against the pipeline's Jolokia, logging in as an operator would: Hawtio's Connect plugin answers
# the 401 with its "Log in to <host>" dialog, and the user and password typed there go with every Jolokia call.
# The shared tool has no login step, so this script runs a copy of it with one added (in a temporary folder).
# Prints the route ids Hawtio lists; DIAGRAM_ROUTE=ingest also saves that route's diagram (see the tool's README).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOL="${HAWTIO_TOOL:-$HERE/../../../shared/tools/hawtio}"
JOLOKIA_URL="${1:?usage: check-routes.sh JOLOKIA_URL OUT.png [USER PASSWORD]}"
OUT="${2:?usage: check-routes.sh JOLOKIA_URL OUT.png [USER PASSWORD]}"
COPY="$(mktemp -d)"
trap 'rm -rf "$COPY"' EXIT
cp -r "$TOOL"/. "$COPY"/
chmod -R u+w "$COPY"
if [ -n "${3:-}" ]; then
  python3 - "$COPY/RoutesShot.java" <<'PY'
import sys
path = sys.argv[1]
source = open(path).read()
anchor = 'd.get(hawtio + "/camel?con=" + CONN_ID);'
login = anchor + '''
            String user = System.getenv("HAWTIO_LOGIN_USER");
            if (user != null && !user.isEmpty()) {
                WebElement name = waitFor(timeoutS, () -> d.findElements(By.xpath(
                        "//div[@role='dialog']//input[not(@type='password') and not(@type='hidden')]")).stream()
                        .findFirst().orElse(null));
                if (name != null) {
                    name.sendKeys(user);
                    d.findElement(By.xpath("//div[@role='dialog']//input[@type='password']"))
                            .sendKeys(System.getenv("HAWTIO_LOGIN_PASSWORD"));
                    d.findElement(By.xpath("//div[@role='dialog']//button[normalize-space()='Log in']")).click();
                    System.err.println("hawtio: logged in to the connection as " + user);
                } else {
                    System.err.println("hawtio: no login dialog appeared");
                }
            }'''
if anchor not in source:
    sys.exit("RoutesShot.java changed: no '" + anchor + "' to add the login step after")
open(path, "w").write(source.replace(anchor, login, 1))
PY
fi
HAWTIO_LOGIN_USER="${3:-}" HAWTIO_LOGIN_PASSWORD="${4:-}" "$COPY/routes-shot.sh" "$JOLOKIA_URL" "$OUT"
