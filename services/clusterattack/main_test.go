// Package clusterattack repeats, against the clustered federation (make
// cluster: three NATS nodes over TLS, a PostgreSQL replica, two aggregators
// and two gateways behind nginx), the attacks that found issue 4's holes,
// expecting zero successes (issue 12 point 4): NATS forgery, open
// redirects, login floods, upload starvation, markup breaking out of its
// place, Host flooding; and an SQL injection corpus sent to every query
// parameter of the portal's pages, of its open API (from its OpenAPI
// document) and of a sub-portal's API.
package clusterattack

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/portalhub/portalhub/services/internal/federation"
)

// fed is the clustered federation every test of this package attacks;
// varDir its data (credentials/ among them).
var (
	fed    *federation.Federation
	varDir string
)

var tenants = []federation.Tenant{
	{ID: "so-a", Kind: "department", NameVI: "Sở A", NameEN: "Department A"},
	{ID: "phuong-b", Kind: "ward", NameVI: "Phường B", NameEN: "Ward B"},
}

func TestMain(m *testing.M) {
	flag.Parse()
	root, _ := filepath.Abs("../..")
	os.Exit(federation.RunTests(m, testing.Short(), "attack", root, "ATTACK_VERBOSE",
		federation.Options{Ephemeral: true, Cluster: true, Tenants: tenants},
		func(f *federation.Federation, dir string) { fed, varDir = f, dir }))
}
