package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/portalhub/portalhub/services/personaldata"
)

// rewrapPersonalData moves every data key of citizens' personal data to
// the current key-encryption key (docs/OPERATIONS.md, "Personal data
// keys"), so the older keys can leave PERSONAL_DATA_KEYS.
func rewrapPersonalData(*flag.FlagSet) action {
	return func(ctx context.Context, s *session) error {
		keys, err := personaldata.KeyringFromEnv(s.getenv)
		if err != nil {
			return usageError{err}
		}
		n, rewrapErr := personaldata.NewStore(s.store.Pool(), keys).Rewrap(ctx)
		if n > 0 || rewrapErr == nil { // what was moved is recorded, even when a later batch failed
			if err := s.store.RecordAction(ctx, s.actor, "personal_data.rewrap",
				map[string]any{"kek": keys.CurrentID(), "moved": n}); err != nil {
				return err
			}
		}
		if rewrapErr != nil {
			return fmt.Errorf("%d khóa đã chuyển / %d keys moved before: %w", n, n, rewrapErr)
		}
		fmt.Fprintf(s.stdout, "Đã bọc lại %d khóa dữ liệu bằng khóa %s / %d data keys rewrapped under %s\n",
			n, keys.CurrentID(), n, keys.CurrentID())
		return nil
	}
}

// reshredPersonalData destroys again, after a restore of the database to an
// earlier point, the personal data deleted since: every submission the
// shred log names, and every key past its retention.
func reshredPersonalData(fs *flag.FlagSet) action {
	path := fs.String("log", "", "the shred log (PERSONAL_DATA_SHRED_LOG of the aggregator), kept with the backups")
	return func(ctx context.Context, s *session) error {
		ids, err := personaldata.ReadShredLog(*path)
		if err != nil {
			return err
		}
		n, err := personaldata.NewStore(s.store.Pool(), nil).Reshred(ctx, ids, time.Now())
		if err != nil {
			return err
		}
		if err := s.store.RecordAction(ctx, s.actor, "personal_data.reshred",
			map[string]any{"logged": len(ids), "destroyed": n}); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã hủy lại %d khóa dữ liệu (%d mục trong nhật ký hủy) / %d data keys destroyed again (%d in the shred log)\n",
			n, len(ids), n, len(ids))
		return nil
	}
}
