package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/portalhub/portalhub/services/pgmigrate"
	"github.com/portalhub/portalhub/services/testenv"
)

// hubctl migrate on a sub-portal's database fails, says so and what to do
// (issue 10 point 13: it printed "hub database migrated" and created
// nothing, the versions of the two histories being in one table).
func TestMigrateRefusesASubPortalDatabase(t *testing.T) {
	subPortal := func(ctx context.Context, url string) error {
		return pgmigrate.Up(ctx, url, pgmigrate.SubPortal, fstest.MapFS{
			"00001_subportal.sql": {Data: []byte("-- +goose Up\nCREATE TABLE outbox (id bigint);\n")},
		})
	}
	url := testenv.Postgres(t, "hubctl_subportal", subPortal)
	env := func(k string) string {
		return map[string]string{"DATABASE_URL": url, "USER": "operator"}[k]
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"migrate"}, env, &out, &errOut)
	if code != 1 || strings.Contains(out.String(), "migrated") {
		t.Fatalf("hubctl migrate on a sub-portal database: exit %d, %q %q; want 1 and no success", code, out.String(), errOut.String())
	}
	for _, words := range []string{"not the hub's", "Set DATABASE_URL to the hub database", "cổng thành phần"} {
		if !strings.Contains(errOut.String(), words) {
			t.Errorf("message %q lacks %q", errOut.String(), words)
		}
	}
}

// The other database commands refuse a sub-portal's database the same way,
// and an unmigrated one with the fix (categories list, a database command
// then, said "column article8 does not exist" on a sub-portal's database,
// walking docs/OPERATIONS.md).
func TestDatabaseCommandsRefuseAWrongDatabase(t *testing.T) {
	subPortal := func(ctx context.Context, url string) error {
		return pgmigrate.Up(ctx, url, pgmigrate.SubPortal, fstest.MapFS{
			"00001_subportal.sql": {Data: []byte("-- +goose Up\nCREATE TABLE outbox (id bigint);\nCREATE TABLE categories (code text);\n")},
		})
	}
	empty := func(context.Context, string) error { return nil }
	for _, c := range []struct {
		name  string
		setup func(context.Context, string) error
		words []string
	}{
		{"sub-portal", subPortal, []string{"not the hub's", "cổng thành phần"}},
		{"unmigrated", empty, []string{"no hub schema: run hubctl migrate"}},
	} {
		url := testenv.Postgres(t, "hubctl_wrong_"+strings.ReplaceAll(c.name, "-", "_"), c.setup)
		env := func(k string) string { return map[string]string{"DATABASE_URL": url, "USER": "operator"}[k] }
		for _, args := range [][]string{{"ops-accounts", "bootstrap", "--login", "nguyen.van.a"}, {"backup", "base", "--to", t.TempDir()}} {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), args, env, &out, &errOut); code != 1 {
				t.Errorf("%s on a %s database: exit %d, %q; want 1", args, c.name, code, errOut.String())
			}
			for _, words := range c.words {
				if !strings.Contains(errOut.String(), words) {
					t.Errorf("%s on a %s database: %q lacks %q", args, c.name, errOut.String(), words)
				}
			}
		}
	}
}

// A malformed DATABASE_URL is reported as such, with its form (issue 10
// point 13: it was reported as an invalid tenant id).
func TestMalformedDatabaseURL(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:notaport/portalhub", "USER": "operator"}[k]
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"migrate"}, env, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "DATABASE_URL is malformed") || strings.Contains(errOut.String(), "tenant id") {
		t.Fatalf("hubctl with a malformed DATABASE_URL: exit %d, %q; want 2 and the URL named", code, errOut.String())
	}
}
