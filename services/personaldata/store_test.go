package personaldata

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// hubPool is a pool on a fresh, migrated hub database.
func hubPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(t, "hub", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// keyring is a keyring of fresh keys with the ids given; the first is current.
func keyring(t *testing.T, ids ...string) (*Keyring, string) {
	t.Helper()
	list := ""
	for i, id := range ids {
		if i > 0 {
			list += ","
		}
		list += id + ":" + randomKey(t)
	}
	r, err := ParseKeyring(list, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return r, list
}

var farFuture = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func TestCreateGet(t *testing.T) {
	ctx := context.Background()
	keys, _ := keyring(t, "k1")
	s := NewStore(hubPool(t), keys)
	k, err := s.Create(ctx, "sub-1", farFuture)
	if err != nil {
		t.Fatal(err)
	}
	email, err := k.Seal(FieldEmail, []byte("an@example.vn"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Get(ctx, "sub-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(FieldEmail, email); err != nil || string(got) != "an@example.vn" {
		t.Errorf("open with the stored key: got %q, %v", got, err)
	}
	if _, err := s.Create(ctx, "sub-1", farFuture); !errors.Is(err, ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}
	// A wrapped key moved onto another submission's row does not unwrap.
	if _, err := s.Create(ctx, "sub-2", farFuture); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE personal_data_keys SET wrapped_key =
		(SELECT wrapped_key FROM personal_data_keys WHERE submission_id = 'sub-1') WHERE submission_id = 'sub-2'`); err != nil {
		t.Fatal(err)
	}
	if k, err := s.Get(ctx, "sub-2"); err == nil {
		t.Errorf("sub-1's wrapped key on sub-2's row: got %v, want an unwrap error", k)
	}
	// The gateway's read-only role cannot see the table at all.
	var readable bool
	if err := s.pool.QueryRow(ctx, `SELECT has_table_privilege($1, 'personal_data_keys', 'SELECT')`,
		hubschema.ReaderRole).Scan(&readable); err != nil || readable {
		t.Errorf("reader role may select personal_data_keys: %v, %v", readable, err)
	}
}

// Crypto-shredding: a copy of the ciphertext taken before the deletion (a
// backup) cannot be read after it. Only the deleted data-key row, restored
// from a backup, would bring it back, and only while the key-encryption key
// that wrapped it is still in the keyring: rotating and retiring the keys
// ends that too (docs/ARCHITECTURE.md, "Personal data at rest").
func TestDestroyShredsEveryCopy(t *testing.T) {
	ctx := context.Background()
	keys, _ := keyring(t, "k1")
	s := NewStore(hubPool(t), keys)
	k, err := s.Create(ctx, "sub-1", farFuture)
	if err != nil {
		t.Fatal(err)
	}
	backupCiphertext, err := k.Seal(FieldPhone, []byte("0905 123 456"))
	if err != nil {
		t.Fatal(err)
	}
	var backupKEK string
	var backupWrapped []byte
	var backupDeleteAfter time.Time
	if err := s.pool.QueryRow(ctx, `SELECT kek_id, wrapped_key, delete_after FROM personal_data_keys WHERE submission_id = 'sub-1'`).
		Scan(&backupKEK, &backupWrapped, &backupDeleteAfter); err != nil {
		t.Fatal(err)
	}

	if ok, err := s.Destroy(ctx, "sub-1"); err != nil || !ok {
		t.Fatalf("destroy: got %v, %v, want true", ok, err)
	}
	if got, err := s.Get(ctx, "sub-1"); !errors.Is(err, ErrShredded) {
		t.Fatalf("after destroy: got %v, %v, want ErrShredded", got, err)
	}
	// Nothing else the service has opens the backed-up ciphertext: a new
	// data key for the same submission is another key.
	fresh, err := s.Create(ctx, "sub-1", farFuture)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fresh.Open(FieldPhone, backupCiphertext); !errors.Is(err, ErrUndecryptable) {
		t.Errorf("backed-up ciphertext under a new key: got %q, %v, want ErrUndecryptable", got, err)
	}
	if _, err := s.Destroy(ctx, "sub-1"); err != nil {
		t.Fatal(err)
	}

	// The limit: restoring the old data-key row from a backup, while its
	// key-encryption key is still in the keyring, reads the data again.
	restore := func(s *Store) {
		t.Helper()
		if _, err := s.pool.Exec(ctx, `INSERT INTO personal_data_keys (submission_id, kek_id, wrapped_key, delete_after)
			VALUES ('sub-1', $1, $2, $3)`, backupKEK, backupWrapped, backupDeleteAfter); err != nil {
			t.Fatal(err)
		}
	}
	restore(s)
	restored, err := s.Get(ctx, "sub-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := restored.Open(FieldPhone, backupCiphertext); err != nil || string(got) != "0905 123 456" {
		t.Fatalf("restored key row: got %q, %v, want the phone (the documented limit)", got, err)
	}
	if _, err := s.Destroy(ctx, "sub-1"); err != nil {
		t.Fatal(err)
	}

	// After a rotation to k2 and the retirement of k1, the same restored
	// row is useless.
	k2Only, _ := keyring(t, "k2")
	rotated := NewStore(s.pool, k2Only)
	restore(rotated)
	if got, err := rotated.Get(ctx, "sub-1"); !errors.Is(err, ErrUnknownKEK) {
		t.Errorf("restored row after k1 was retired: got %v, %v, want ErrUnknownKEK", got, err)
	}
}

// The retention job destroys exactly the keys whose delete_after has come,
// by the clock it is given.
func TestShredByRetention(t *testing.T) {
	ctx := context.Background()
	keys, _ := keyring(t, "k1")
	s := NewStore(hubPool(t), keys)
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := start
	for _, c := range []struct {
		id   string
		keep time.Duration
	}{{"sub-30d", 30 * 24 * time.Hour}, {"sub-90d", 90 * 24 * time.Hour}, {"sub-1y", 365 * 24 * time.Hour}} {
		if _, err := s.Create(ctx, c.id, start.Add(c.keep)); err != nil {
			t.Fatal(err)
		}
	}
	present := func() map[string]bool {
		got := map[string]bool{}
		for _, id := range []string{"sub-30d", "sub-90d", "sub-1y"} {
			_, err := s.Get(ctx, id)
			if err != nil && !errors.Is(err, ErrShredded) {
				t.Fatal(err)
			}
			got[id] = err == nil
		}
		return got
	}
	for _, step := range []struct {
		advance   time.Duration
		wantN     int64
		wantAlive map[string]bool
	}{
		{29 * 24 * time.Hour, 0, map[string]bool{"sub-30d": true, "sub-90d": true, "sub-1y": true}},
		{24 * time.Hour, 1, map[string]bool{"sub-30d": false, "sub-90d": true, "sub-1y": true}}, // exactly at delete_after
		{24 * time.Hour, 0, map[string]bool{"sub-30d": false, "sub-90d": true, "sub-1y": true}},
		{400 * 24 * time.Hour, 2, map[string]bool{"sub-30d": false, "sub-90d": false, "sub-1y": false}}, // missed runs made up
	} {
		clock = clock.Add(step.advance)
		n, err := s.Shred(ctx, clock)
		if err != nil {
			t.Fatal(err)
		}
		if n != step.wantN {
			t.Errorf("at %s: shredded %d, want %d", clock, n, step.wantN)
		}
		got := present()
		for id, want := range step.wantAlive {
			if got[id] != want {
				t.Errorf("at %s: %s present %v, want %v", clock, id, got[id], want)
			}
		}
	}
}

// Rewrap moves every data key to the current key-encryption key, leaves the
// data readable, and lets the old key leave the keyring.
func TestRewrap(t *testing.T) {
	ctx := context.Background()
	pool := hubPool(t)
	old, oldList := keyring(t, "k1")
	s := NewStore(pool, old)
	sealed := map[string][]byte{}
	for _, id := range []string{"sub-1", "sub-2", "sub-3"} {
		k, err := s.Create(ctx, id, farFuture)
		if err != nil {
			t.Fatal(err)
		}
		if sealed[id], err = k.Seal(FieldName, []byte("name of "+id)); err != nil {
			t.Fatal(err)
		}
	}
	newKey := randomKey(t)
	both, err := ParseKeyring(oldList+",k2:"+newKey, "k2")
	if err != nil {
		t.Fatal(err)
	}
	rotated := NewStore(pool, both)
	if _, err := rotated.Create(ctx, "sub-4", farFuture); err != nil { // already under k2
		t.Fatal(err)
	}
	if n, err := rotated.Rewrap(ctx); err != nil || n != 3 {
		t.Fatalf("rewrap: got %d, %v, want 3", n, err)
	}
	if n, err := rotated.Rewrap(ctx); err != nil || n != 0 {
		t.Fatalf("second rewrap: got %d, %v, want 0", n, err)
	}
	k2Only, err := ParseKeyring("k2:"+newKey, "")
	if err != nil {
		t.Fatal(err)
	}
	retired := NewStore(pool, k2Only)
	for id, ct := range sealed {
		k, err := retired.Get(ctx, id)
		if err != nil {
			t.Fatalf("%s after k1 retired: %v", id, err)
		}
		if got, err := k.Open(FieldName, ct); err != nil || string(got) != "name of "+id {
			t.Errorf("%s: got %q, %v", id, got, err)
		}
	}
	// A key wrapped by a key the keyring lacks stops the rewrap, saying so.
	unknown := NewStore(pool, old)
	if _, err := unknown.Create(ctx, "sub-5", farFuture); err != nil {
		t.Fatal(err)
	}
	if _, err := retired.Rewrap(ctx); !errors.Is(err, ErrUnknownKEK) {
		t.Errorf("rewrap with k1 missing: got %v, want ErrUnknownKEK", err)
	}
}
