package outbox

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	for _, tc := range []struct {
		name   string
		retain time.Duration
		// published ages of the rows; a negative age is unpublished.
		ages []time.Duration
		kept []bool
	}{
		{
			name:   "default retention",
			retain: 0,
			ages:   []time.Duration{3 * time.Hour, 61 * time.Minute, 59 * time.Minute, time.Second, -1, -1},
			kept:   []bool{false, false, true, true, true, true},
		},
		{
			name:   "20 minutes",
			retain: 20 * time.Minute,
			ages:   []time.Duration{30 * time.Minute, 10 * time.Minute, -1},
			kept:   []bool{false, true, true},
		},
		{
			name:   "shorter than the duplicate window is raised to the default",
			retain: time.Minute,
			ages:   []time.Duration{2 * time.Hour, 30 * time.Minute, 2 * time.Minute},
			kept:   []bool{false, true, true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			r := f.relay(t, Config{Retain: tc.retain})
			var ids []int64
			for i, age := range tc.ages {
				id := insert(t, f.pool, newEvent("so-noi-vu", fmt.Sprintf("tin-%d", i), 1))
				ids = append(ids, id)
				// Unpublished rows are old too: age alone must not prune them.
				_, err := f.pool.Exec(ctx, `
					UPDATE outbox SET created_at = now() - interval '1 day',
						published_at = CASE WHEN $2::float8 < 0 THEN NULL ELSE now() - make_interval(secs => $2) END
					WHERE id = $1`, id, age.Seconds())
				if err != nil {
					t.Fatal(err)
				}
			}
			wantPruned := 0
			for _, k := range tc.kept {
				if !k {
					wantPruned++
				}
			}
			n, err := r.Prune(ctx)
			if err != nil || n != int64(wantPruned) {
				t.Fatalf("Prune = %d, %v, want %d, nil", n, err, wantPruned)
			}
			for i, id := range ids {
				var exists bool
				if err := f.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE id = $1)`, id).Scan(&exists); err != nil {
					t.Fatal(err)
				}
				if exists != tc.kept[i] {
					t.Errorf("row aged %v: kept = %v, want %v", tc.ages[i], exists, tc.kept[i])
				}
			}
		})
	}
}
