package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/portalhub/portalhub/services/internal/featured"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The provincial home's featured items and the advertising slot (issue 10
// point 5; docs/OPERATIONS.md, "Featured items and advertising"). These
// commands write the hub database directly (the admin API does not carry
// them yet); the advertisements through the same hubstore functions as the
// console.

func printJSON(s *session, v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
		it, err := featured.New(s.store.Pool()).Feature(ctx, s.actor, *tenant, *id, *position, starts, ends, time.Now())
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(s, it)
		}
		return printFeatured(s, []featured.Item{it})
	}
}

func removeFeatured(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "the item's tenant")
	id := fs.String("id", "", "the item's content id")
	return func(ctx context.Context, s *session) error {
		if err := featured.New(s.store.Pool()).Unfeature(ctx, s.actor, *tenant, *id); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "đã bỏ %s/%s khỏi tin nổi bật / removed from the featured items\n", *tenant, *id)
		return nil
	}
}

func listFeatured(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "print a JSON array")
	return func(ctx context.Context, s *session) error {
		items, err := featured.New(s.store.Pool()).Items(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			if items == nil {
				items = []featured.Item{}
			}
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
			until = it.EndsAt.In(gmt7).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", it.Position, it.Tenant, it.ContentID, it.StartsAt.In(gmt7).Format("2006-01-02 15:04"), until, it.CreatedBy)
	}
	return w.Flush()
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
		a := hubstore.Advert{Advertiser: *advertiser, Label: *label, URL: *link, ImageURL: *image}
		var err error
		if a.StartsAt, err = parseWhen("start", *start); err != nil {
			return err
		}
		if a.EndsAt, err = parseWhen("end", *end); err != nil {
			return err
		}
		got, err := s.store.AddAdvert(ctx, s.actor, a)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(s, got)
		}
		if err := printAdverts(s, []hubstore.Advert{got}); err != nil {
			return err
		}
		if on, err := s.store.AdvertsEnabled(ctx); err == nil && !on {
			fmt.Fprintln(s.stderr, "lưu ý: vị trí quảng cáo đang tắt (hubctl adverts enable) / note: the advertising slot is off (hubctl adverts enable)")
		}
		return nil
	}
}

func endAdvert(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the advertisement's number (hubctl adverts list)")
	return func(ctx context.Context, s *session) error {
		if err := s.store.EndAdvert(ctx, s.actor, *id, time.Now()); err != nil {
			return err
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
		on, err := s.store.AdvertsEnabled(ctx)
		if err != nil {
			return err
		}
		current, ended, err := s.store.ListAdverts(ctx, time.Now(), *limit)
		if err != nil {
			return err
		}
		ads := current
		if *all {
			ads = append(ads, ended...)
		}
		if *asJSON {
			if ads == nil {
				ads = []hubstore.Advert{}
			}
			return printJSON(s, map[string]any{"enabled": on, "adverts": ads})
		}
		state := "TẮT / OFF"
		if on {
			state = "BẬT / ON"
		}
		fmt.Fprintf(s.stdout, "Vị trí quảng cáo / advertising slot: %s\n", state)
		return printAdverts(s, ads)
	}
}

func printAdverts(s *session, ads []hubstore.Advert) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SỐ/ID\tNGƯỜI QUẢNG CÁO/ADVERTISER\tTỪ/FROM\tĐẾN/UNTIL\tNỘI DUNG/LABEL\tLIÊN KẾT/URL\tNGƯỜI THÊM/BY")
	f := func(t time.Time) string { return t.In(gmt7).Format("2006-01-02 15:04") }
	for _, a := range ads {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Advertiser, f(a.StartsAt), f(a.EndsAt), a.Label, a.URL, orDash(a.CreatedBy))
	}
	return w.Flush()
}

func setAdverts(on bool) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		return func(ctx context.Context, s *session) error {
			if err := s.store.SetAdvertsEnabled(ctx, s.actor, on); err != nil {
				return err
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
