package main

import (
	"context"
	"flag"
	"fmt"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/personaldata"
)

// reshredBatch is how many submission ids one ReshredPersonalData call
// carries (the API takes at most 10,000).
const reshredBatch = 5000

// rewrapPersonalData moves every data key of citizens' personal data to
// the aggregator's current key-encryption key (docs/OPERATIONS.md,
// "Personal data keys"), so the older keys can leave PERSONAL_DATA_KEYS:
// through the admin API (administrator), whose aggregator holds the keys,
// so that they never need to be on the operator's machine.
func rewrapPersonalData(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.RewrapPersonalData(ctx, &pb.RewrapPersonalDataRequest{})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		n, kek := resp.GetMoved(), resp.GetKeyId()
		fmt.Fprintf(s.stdout, "Đã bọc lại %d khóa dữ liệu bằng khóa %s / %d data keys rewrapped under %s\n", n, kek, n, kek)
		return nil
	}
}

// reshredPersonalData destroys again, after a restore of the database to an
// earlier point, the personal data deleted since: every submission the
// shred log names (read here, where the backups are), and every key past
// its retention; through the admin API (administrator).
func reshredPersonalData(fs *flag.FlagSet) action {
	path := fs.String("log", "", "the shred log (PERSONAL_DATA_SHRED_LOG of the aggregator), kept with the backups")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON (the total)")
	return func(ctx context.Context, s *session) error {
		ids, err := personaldata.ReadShredLog(*path)
		if err != nil {
			return err
		}
		var destroyed int64
		for start := 0; start == 0 || start < len(ids); start += reshredBatch {
			resp, err := s.ops.ReshredPersonalData(ctx, &pb.ReshredPersonalDataRequest{SubmissionIds: ids[start:min(start+reshredBatch, len(ids))]})
			if err != nil {
				return fmt.Errorf("%d khóa đã hủy / %d keys destroyed before: %w", destroyed, destroyed, err)
			}
			destroyed += resp.GetDestroyed()
		}
		if *asJSON {
			return writeProto(s, &pb.ReshredPersonalDataResponse{Destroyed: destroyed})
		}
		fmt.Fprintf(s.stdout, "Đã hủy lại %d khóa dữ liệu (%d mục trong nhật ký hủy) / %d data keys destroyed again (%d in the shred log)\n",
			destroyed, len(ids), destroyed, len(ids))
		return nil
	}
}
