package mailout

import (
	"context"
	"io"
	"testing"
	"time"
)

func TestPruneDeletesOnlyOldSentAndRefusedMail(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	relay, _ := newRelay(t, pool, newSMTPServer(t), io.Discard, func(c *Config) { c.Retain = time.Hour })
	for range 5 {
		if _, err := Enqueue(ctx, pool, validMessage()); err != nil {
			t.Fatal(err)
		}
	}
	// Two sent long ago, one refused long ago, one sent recently, one queued for long.
	if _, err := pool.Exec(ctx, `
		WITH r AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM mail_outbox)
		UPDATE mail_outbox m SET
			sent_at = CASE WHEN r.n IN (1, 2) THEN now() - interval '2 hours' WHEN r.n = 4 THEN now() END,
			failed_at = CASE WHEN r.n = 3 THEN now() - interval '2 hours' END,
			created_at = now() - interval '3 hours'
		FROM r WHERE m.id = r.id`); err != nil {
		t.Fatal(err)
	}
	n, err := relay.Prune(ctx)
	if err != nil || n != 3 {
		t.Fatalf("Prune = %d, %v, want 3, nil", n, err)
	}
	if got := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`); got != 1 {
		t.Errorf("%d queued messages left, want the 1 (queued mail is never pruned)", got)
	}
	if got := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL`); got != 1 {
		t.Errorf("%d sent messages left, want the recent one", got)
	}
}
