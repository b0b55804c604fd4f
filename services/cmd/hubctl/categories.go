package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// categoryJSON is one category in hubctl categories list --json.
type categoryJSON struct {
	Code     string   `json:"code"`
	Kinds    []string `json:"kinds"`
	NameVI   string   `json:"name_vi"`
	NameEN   string   `json:"name_en"`
	NameRU   string   `json:"name_ru"`
	Article8 int      `json:"article8"`
}

// listCategories prints the hub's categories, through the admin API: the
// codes an item's "category" takes, with the kinds each admits.
func listCategories(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	return func(ctx context.Context, s *session) error {
		l, err := s.ops.ListCategoryCodes(ctx, &pb.ListCategoryCodesRequest{})
		if err != nil {
			return err
		}
		cs := l.GetCategories()
		if *asJSON {
			out := make([]categoryJSON, 0, len(cs))
			for _, c := range cs {
				kinds := make([]string, 0, len(c.GetKinds()))
				for _, k := range c.GetKinds() {
					kinds = append(kinds, k.String())
				}
				out = append(out, categoryJSON{Code: c.GetCode(), Kinds: kinds, NameVI: c.GetNames()["vi"], NameEN: c.GetNames()["en"],
					NameRU: c.GetNames()["ru"], Article8: int(c.GetArticle8())})
			}
			return printJSON(s, out)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "CODE\tKINDS\tNAME_VI\tNAME_EN")
		for _, c := range cs {
			kinds := make([]string, 0, len(c.GetKinds()))
			for _, k := range c.GetKinds() {
				kinds = append(kinds, strings.TrimPrefix(k.String(), "CONTENT_KIND_"))
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.GetCode(), orDash(strings.Join(kinds, ",")), c.GetNames()["vi"], c.GetNames()["en"])
		}
		return w.Flush()
	}
}
