// Package chaos runs the clustered federation (federation.Options.Cluster:
// three NATS nodes, a PostgreSQL primary and streaming replica, two
// aggregators and two gateways behind nginx, four sub-portals, every process
// kept running as systemd's Restart=always would) and checks its promises
// under faults. It holds tests only: `make test` runs the short form,
// `make chaos` the long one (CHAOS_FULL=1), which write their figures to a
// JSON report (CHAOS_REPORT) and check them against the bounds of issue 12.
package chaos
