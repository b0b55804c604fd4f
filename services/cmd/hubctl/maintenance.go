package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/maintenance"
	"github.com/portalhub/portalhub/services/stafftext"
)

// Maintenance windows (Article 12.2): docs/OPERATIONS.md, "Maintenance".
// These commands go through the admin API (OpsService) as the ops account
// logged in.

// parseWhen reads a time as YYYY-MM-DD HH:MM (GMT+7) or RFC 3339.
func parseWhen(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, stafftext.Zone); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, usageError{fmt.Errorf(`--%s: thời điểm dạng "YYYY-MM-DD HH:MM" (giờ Việt Nam) hoặc RFC 3339 / a time as "YYYY-MM-DD HH:MM" (GMT+7) or RFC 3339: %q`, flagName, v)}
}

func scheduleMaintenance(fs *flag.FlagSet) action {
	start := fs.String("start", "", `when the window opens, "YYYY-MM-DD HH:MM" (GMT+7) or RFC 3339`)
	end := fs.String("end", "", "when it closes")
	announce := fs.String("announce-from", "", "when the banner starts to show (default: 48 hours before --start, not before now)")
	vi := fs.String("message-vi", "", "the banner's message in Vietnamese (one line, 500 characters at most)")
	en := fs.String("message-en", "", "in English")
	ru := fs.String("message-ru", "", "in Russian")
	asJSON := fs.Bool("json", false, "print the window as JSON")
	return func(ctx context.Context, s *session) error {
		req := &pb.ScheduleMaintenanceRequest{MessageVi: *vi, MessageEn: *en, MessageRu: *ru}
		for _, f := range []struct {
			flag, value string
			dst         **timestamppb.Timestamp
		}{{"start", *start, &req.StartsAt}, {"end", *end, &req.EndsAt}, {"announce-from", *announce, &req.AnnounceFrom}} {
			t, err := parseWhen(f.flag, f.value)
			if err != nil {
				return err
			}
			if !t.IsZero() {
				*f.dst = timestamppb.New(t)
			}
		}
		got, err := s.ops.ScheduleMaintenance(ctx, req)
		if err != nil {
			return err
		}
		return printWindows(s, []*pb.MaintenanceWindow{got.GetWindow()}, *asJSON)
	}
}

func cancelMaintenance(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the window's number (hubctl maintenance list)")
	asJSON := fs.Bool("json", false, "print the window as JSON")
	return func(ctx context.Context, s *session) error {
		got, err := s.ops.CancelMaintenance(ctx, &pb.CancelMaintenanceRequest{Id: *id})
		if err != nil {
			return err
		}
		return printWindows(s, []*pb.MaintenanceWindow{got.GetWindow()}, *asJSON)
	}
}

func listMaintenance(fs *flag.FlagSet) action {
	history := fs.Bool("history", false, "every window, ended and cancelled ones too, the newest first")
	limit := fs.Int("limit", 100, "at most this many")
	asJSON := fs.Bool("json", false, "print a JSON array")
	return func(ctx context.Context, s *session) error {
		if *limit < 1 || *limit > 10000 {
			return usageError{errors.New("--limit: 1 đến 10000 / 1 to 10000")}
		}
		ws, err := s.ops.ListMaintenanceWindows(ctx, &pb.ListMaintenanceWindowsRequest{History: *history, Limit: int32(*limit)})
		if err != nil {
			return err
		}
		return printWindows(s, ws.GetWindows(), *asJSON)
	}
}

// windowJSON is a window as hubctl prints it in JSON.
type windowJSON struct {
	maintenance.Window
	State maintenance.State `json:"state"`
}

// windowOf is a window of the API as hubctl prints it.
func windowOf(w *pb.MaintenanceWindow) windowJSON {
	out := windowJSON{State: maintenance.State(w.GetState()), Window: maintenance.Window{ID: w.GetId(),
		AnnounceFrom: w.GetAnnounceFrom().AsTime(), StartsAt: w.GetStartsAt().AsTime(), EndsAt: w.GetEndsAt().AsTime(),
		MessageVI: w.GetMessageVi(), MessageEN: w.GetMessageEn(), MessageRU: w.GetMessageRu(),
		CreatedBy: w.GetCreatedBy(), CreatedAt: w.GetCreatedAt().AsTime(), CancelledBy: w.GetCancelledBy()}}
	if w.GetCancelledAt() != nil {
		t := w.GetCancelledAt().AsTime()
		out.CancelledAt = &t
	}
	return out
}

func printWindows(s *session, ws []*pb.MaintenanceWindow, asJSON bool) error {
	out := make([]windowJSON, 0, len(ws))
	for _, w := range ws {
		out = append(out, windowOf(w))
	}
	if asJSON {
		return printJSON(s, out)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SỐ/ID\tTRẠNG THÁI/STATE\tTHÔNG BÁO TỪ/ANNOUNCED\tBẮT ĐẦU/STARTS\tKẾT THÚC/ENDS\tNGƯỜI TẠO/BY\tTHÔNG BÁO/MESSAGE (vi)")
	f := func(t time.Time) string { return t.In(stafftext.Zone).Format("2006-01-02 15:04") }
	for _, w := range out {
		state := string(w.State)
		if w.CancelledAt != nil {
			state += " (" + w.CancelledBy + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", strconv.FormatInt(w.ID, 10), state, f(w.AnnounceFrom), f(w.StartsAt), f(w.EndsAt),
			w.CreatedBy, w.MessageVI)
	}
	return tw.Flush()
}
