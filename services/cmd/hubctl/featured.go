package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/featured"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/stafftext"
)

// The provincial home's featured items and the advertising slot (issue 10
// point 5; docs/OPERATIONS.md, "Featured items and advertising"), through
// the admin API (OpsService) as the ops account logged in. --json prints
// the same objects as the hub's own types (featured.Item, hubstore.Advert).

func printJSON(s *session, v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// timestamp is t for a request; nil for the zero time (the API's default).
func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func featuredOf(it *pb.FeaturedItem) featured.Item {
	out := featured.Item{Tenant: it.GetTenantId(), ContentID: it.GetContentId(), Position: int(it.GetPosition()),
		StartsAt: it.GetStartsAt().AsTime(), CreatedBy: it.GetCreatedBy(), CreatedAt: it.GetCreatedAt().AsTime()}
	if it.GetEndsAt() != nil {
		t := it.GetEndsAt().AsTime()
		out.EndsAt = &t
	}
	return out
}

func addFeatured(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "the item's tenant")
	id := fs.String("id", "", "the item's content id")
	position := fs.Int("position", 0, "order on the home, lower first (0 to 1000)")
	start := fs.String("start", "", `from when, "YYYY-MM-DD HH:MM" (GMT+7) or RFC 3339 (default: now)`)
	end := fs.String("end", "", "until when (default: until removed)")
	asJSON := fs.Bool("json", false, "print the featured item as JSON")
	return func(ctx context.Context, s *session) error {
		starts, err := parseWhen("start", *start)
		if err != nil {
			return err
		}
		ends, err := parseWhen("end", *end)
		if err != nil {
			return err
		}
		got, err := s.ops.FeatureItem(ctx, &pb.FeatureItemRequest{TenantId: *tenant, ContentId: *id, Position: int32(*position),
			StartsAt: timestamp(starts), EndsAt: timestamp(ends)})
		if err != nil {
			return err
		}
		it := featuredOf(got.GetItem())
		if *asJSON {
			return printJSON(s, it)
		}
		return printFeatured(s, []featured.Item{it})
	}
}

func removeFeatured(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "the item's tenant")
	id := fs.String("id", "", "the item's content id")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.UnfeatureItem(ctx, &pb.UnfeatureItemRequest{TenantId: *tenant, ContentId: *id})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "đã bỏ %s/%s khỏi tin nổi bật / removed from the featured items\n", *tenant, *id)
		return nil
	}
}

func listFeatured(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "print a JSON array")
	return func(ctx context.Context, s *session) error {
		l, err := s.ops.ListFeatured(ctx, &pb.ListFeaturedRequest{})
		if err != nil {
			return err
		}
		items := make([]featured.Item, 0, len(l.GetItems()))
		for _, it := range l.GetItems() {
			items = append(items, featuredOf(it))
		}
		if *asJSON {
			return printJSON(s, items)
		}
		return printFeatured(s, items)
	}
}

func printFeatured(s *session, items []featured.Item) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "THỨ TỰ/POSITION\tĐƠN VỊ/TENANT\tTIN/CONTENT ID\tTỪ/FROM\tĐẾN/UNTIL\tNGƯỜI CHỌN/BY")
	for _, it := range items {
		until := "-"
		if it.EndsAt != nil {
			until = it.EndsAt.In(stafftext.Zone).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", it.Position, it.Tenant, it.ContentID, it.StartsAt.In(stafftext.Zone).Format("2006-01-02 15:04"), until, it.CreatedBy)
	}
	return w.Flush()
}

func advertOf(a *pb.Advert) hubstore.Advert {
	return hubstore.Advert{ID: a.GetId(), Advertiser: a.GetAdvertiser(), Label: a.GetLabel(), URL: a.GetUrl(), ImageURL: a.GetImageUrl(),
		StartsAt: a.GetStartsAt().AsTime(), EndsAt: a.GetEndsAt().AsTime(), CreatedAt: a.GetCreatedAt().AsTime(), CreatedBy: a.GetCreatedBy()}
}

func addAdvert(fs *flag.FlagSet) action {
	advertiser := fs.String("advertiser", "", "who advertises (shown with the advertisement)")
	label := fs.String("label", "", "the advertisement's text (300 characters at most)")
	link := fs.String("url", "", "where it leads (http(s)://)")
	image := fs.String("image", "", "an image to show, https:// (optional)")
	start := fs.String("start", "", `from when, "YYYY-MM-DD HH:MM" (GMT+7) or RFC 3339`)
	end := fs.String("end", "", "until when")
	asJSON := fs.Bool("json", false, "print the advertisement as JSON")
	return func(ctx context.Context, s *session) error {
		starts, err := parseWhen("start", *start)
		if err != nil {
			return err
		}
		ends, err := parseWhen("end", *end)
		if err != nil {
			return err
		}
		got, err := s.ops.AddAdvert(ctx, &pb.AddAdvertRequest{Advert: &pb.Advert{Advertiser: *advertiser, Label: *label, Url: *link,
			ImageUrl: *image, StartsAt: timestamp(starts), EndsAt: timestamp(ends)}})
		if err != nil {
			return err
		}
		a := advertOf(got.GetAdvert())
		if *asJSON {
			return printJSON(s, a)
		}
		if err := printAdverts(s, []hubstore.Advert{a}); err != nil {
			return err
		}
		if !got.GetEnabled() {
			fmt.Fprintln(s.stderr, "lưu ý: vị trí quảng cáo đang tắt (hubctl adverts enable) / note: the advertising slot is off (hubctl adverts enable)")
		}
		return nil
	}
}

func endAdvert(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the advertisement's number (hubctl adverts list)")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.EndAdvert(ctx, &pb.EndAdvertRequest{Id: *id})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "đã kết thúc quảng cáo %d / advertisement %d ended\n", *id, *id)
		return nil
	}
}

func listAdverts(fs *flag.FlagSet) action {
	all := fs.Bool("all", false, "ended advertisements too (the latest first)")
	limit := fs.Int("limit", 100, "at most this many of each")
	asJSON := fs.Bool("json", false, "print a JSON object: the slot's state and the advertisements")
	return func(ctx context.Context, s *session) error {
		l, err := s.ops.ListAdverts(ctx, &pb.ListAdvertsRequest{Ended: *all, Limit: int32(*limit)})
		if err != nil {
			return err
		}
		ads := []hubstore.Advert{}
		for _, a := range append(l.GetCurrent(), l.GetEnded()...) {
			ads = append(ads, advertOf(a))
		}
		if *asJSON {
			return printJSON(s, map[string]any{"enabled": l.GetEnabled(), "adverts": ads})
		}
		state := "TẮT / OFF"
		if l.GetEnabled() {
			state = "BẬT / ON"
		}
		fmt.Fprintf(s.stdout, "Vị trí quảng cáo / advertising slot: %s\n", state)
		return printAdverts(s, ads)
	}
}

func printAdverts(s *session, ads []hubstore.Advert) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SỐ/ID\tNGƯỜI QUẢNG CÁO/ADVERTISER\tTỪ/FROM\tĐẾN/UNTIL\tNỘI DUNG/LABEL\tLIÊN KẾT/URL\tNGƯỜI THÊM/BY")
	f := func(t time.Time) string { return t.In(stafftext.Zone).Format("2006-01-02 15:04") }
	for _, a := range ads {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Advertiser, f(a.StartsAt), f(a.EndsAt), a.Label, a.URL, orDash(a.CreatedBy))
	}
	return w.Flush()
}

func setAdverts(on bool) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		asJSON := fs.Bool("json", false, "write the API's answer as JSON")
		return func(ctx context.Context, s *session) error {
			resp, err := s.ops.SetAdvertsEnabled(ctx, &pb.SetAdvertsEnabledRequest{Enabled: on})
			if err != nil || *asJSON {
				return answer(s, resp, err)
			}
			if on {
				fmt.Fprintln(s.stdout, "đã bật vị trí quảng cáo / the advertising slot is on")
			} else {
				fmt.Fprintln(s.stdout, "đã tắt vị trí quảng cáo / the advertising slot is off")
			}
			return nil
		}
	}
}
