package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/demo"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestSeedDemoIsIdempotent(t *testing.T) {
	url := testenv.Postgres(t, "subportal", store.Migrate)
	t.Setenv("DATABASE_URL", url)
	ts, err := demo.Tenants()
	if err != nil {
		t.Fatal(err)
	}
	// Every demo tenant's content passes the sub-portal's checks.
	for _, tn := range ts[1:] {
		t.Setenv("DATABASE_URL", testenv.Postgres(t, "subportal", store.Migrate))
		if err := seed([]string{"--demo", tn.ID}); err != nil {
			t.Errorf("seed %s: %v", tn.ID, err)
		}
	}
	t.Setenv("DATABASE_URL", url)
	items, _ := demo.Items(ts[0].ID)
	count := func() (n int) {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		conn.QueryRow(context.Background(), `SELECT count(*) FROM outbox`).Scan(&n)
		return n
	}
	if err := seed([]string{"--demo", ts[0].ID}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if got := count(); got != len(items) {
		t.Errorf("outbox rows after seeding = %d, want %d", got, len(items))
	}
	// The files the items attach are stored with them.
	files, _ := demo.Files(ts[0].ID)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	var blobs int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM blobs`).Scan(&blobs)
	conn.Close(context.Background())
	if len(files) == 0 || blobs != len(files) {
		t.Errorf("blobs after seeding = %d, want the %d demo files", blobs, len(files))
	}
	if err := seed([]string{"--demo", ts[0].ID}); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if got := count(); got != len(items) {
		t.Errorf("outbox rows after seeding twice = %d, want %d (unchanged items are not re-approved)", got, len(items))
	}
}
