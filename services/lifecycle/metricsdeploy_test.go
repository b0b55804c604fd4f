package lifecycle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The alert rules and the Grafana dashboard in deploy/ (issue 10 point 10)
// query only metrics some service registers: a renamed metric would leave
// an alert that never fires and a panel that stays empty. The dashboard
// must also be valid JSON with a query in every panel. (promtool checks
// and unit-tests the rules themselves in make lint.)
func TestDeployQueriesUseRegisteredMetrics(t *testing.T) {
	root := filepath.Join("..", "..")
	registered, _ := registeredMetrics(t, root)

	dashboardPath := filepath.Join(root, "deploy", "grafana", "portalhub.json")
	b, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dashboard); err != nil {
		t.Fatalf("%s is not valid JSON: %v", dashboardPath, err)
	}
	if len(dashboard.Panels) == 0 {
		t.Fatalf("%s has no panels", dashboardPath)
	}
	var exprs []string
	for _, p := range dashboard.Panels {
		if len(p.Targets) == 0 || p.Targets[0].Expr == "" {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	rules, _ := filepath.Glob(filepath.Join(root, "deploy", "prometheus", "*.yml"))
	for _, r := range rules {
		b, err := os.ReadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		exprs = append(exprs, string(b))
	}

	metric := regexp.MustCompile(`\b(?:portalhub|subportal)_[a-z0-9_]+`)
	checked := 0
	for _, e := range exprs {
		for _, name := range metric.FindAllString(e, -1) {
			checked++
			if !registered(name) && !registered(histogramBase(name)) {
				t.Errorf("deploy/ queries the metric %s, which no service registers", name)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d metric names found in deploy/: is the pattern still right?", checked)
	}
}

// histogramBase strips the series suffix a histogram's name carries in
// queries: x_bucket, x_sum and x_count are all x.
func histogramBase(name string) string {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, s); ok {
			return base
		}
	}
	return name
}
