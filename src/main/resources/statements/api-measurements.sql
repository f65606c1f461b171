-- GET /api/measurements: temperature and the catalog's measurements (rows in :#catalog, from measurements.yaml and,
-- for temperature, the rules in force), each with its unit, the units accepted, its valid range, its detectors and the
-- readings of the last hour.
SELECT json_build_object('measurements', json_agg(json_build_object('name', m.name, 'unit', m.unit, 'units', m.units,
           'min', m.min, 'max', m.max, 'detectors', m.detectors,
           'readingsLastHour', coalesce((SELECT sum(w.readings) FROM v_measurements_over_time w
                                          WHERE w.measurement = m.name
                                            AND w.windowStart >= now() AT TIME ZONE 'UTC' - interval '1 hour'), 0))
           ORDER BY m.position))::text
FROM (SELECT c.name, c.unit, c.units, c.min, c.max, coalesce(c.detectors, '[]'::json) AS detectors, c.position
      FROM ROWS FROM (json_to_recordset(CAST(:#catalog AS json))
                AS (name text, unit text, units json, min float8, max float8, detectors json)) WITH ORDINALITY
          AS c(name, unit, units, min, max, detectors, position)) m
