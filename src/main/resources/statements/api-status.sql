-- GET /api/status: readings per status over all time.
SELECT json_build_object('total', coalesce(sum(readings), 0),
                         'statuses', json_agg(json_build_object('status', status, 'readings', readings,
                                                                'sharePercent', sharePercent) ORDER BY status))::text
FROM v_status_distribution
