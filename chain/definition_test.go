package chain_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
)

func birth(t testing.TB) *chain.Definition {
	t.Helper()
	raw, err := demo.JSON("birth-of-a-child.json")
	require.NoError(t, err)
	d, err := chain.ParseDefinition(raw)
	require.NoError(t, err)
	return d
}

// component returns a valid component with the given prerequisites.
func component(id string, requires ...string) chain.Component {
	c := chain.Component{
		ID: id, ServiceID: "svc-" + id, ProviderID: "provider",
		Names: deadlines.Names{KK: id + " kk", RU: id + " ru", EN: id},
		Term:  deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: deadlines.Cite(deadlines.Rules472, 5)},
		Fee:   chain.Fee{Paid: false}, Grounds: []chain.Ground{{Code: "g1"}},
		Result:   chain.Result{Form: "certificate", Channels: []chain.Channel{chain.Electronic}},
		Produces: []string{"out"},
		Appeal:   chain.Appeal{Route: "court", Term: deadlines.Term{Kind: deadlines.WorkingDays, N: 5}},
	}
	for _, r := range requires {
		c.Requires = append(c.Requires, chain.Prerequisite{Component: r, Fields: []string{"out"}})
	}
	return c
}

func TestRules472_P2_AndP7_BirthOfAChildIsAValidDAG(t *testing.T) {
	t.Parallel()
	d := birth(t)
	require.Equal(t, []string{"birth-registration"}, d.Roots(), "the application goes first to the registry office (p.7)")
	require.Equal(t, []string{"birth-allowance", "kindergarten-queue"}, d.Dependants("birth-registration"))
	c, ok := d.Component("birth-allowance")
	require.True(t, ok)
	require.Equal(t, []string{"child_iin"}, c.Requires[0].Fields)

	// The same definition from the Go builder.
	built, err := chain.NewBuilder(d.ID, d.Names).Add(d.Components...).Definition()
	require.NoError(t, err)
	require.Equal(t, d, built)
}

func TestRules472_P5_ComponentTermsIncludingConditionalOnes(t *testing.T) {
	t.Parallel()
	c, _ := birth(t).Component("birth-registration")
	require.Equal(t, 2, c.TermFor(nil).N)
	require.Equal(t, 7, c.TermFor(map[string]bool{"filed_late": true}).N, "7 working days when filed more than 3 working days after the birth")
	q, _ := birth(t).Component("kindergarten-queue")
	require.Equal(t, deadlines.Immediately, q.TermFor(nil).Kind)
}

func TestRules472_P7_ValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	names := deadlines.Names{KK: "k", RU: "r", EN: "e"}
	tests := []struct {
		name       string
		components []chain.Component
		want       []string // "Rules472 p.N: field" substrings
	}{
		{"a cycle with its path", []chain.Component{component("a", "c"), component("b", "a"), component("c", "b")},
			[]string{"Rules472 p.7: requires: invalid input: cycle a → c → b → a"}},
		{"unknown and self prerequisites", []chain.Component{component("a", "ghost"), component("b", "b")},
			[]string{"Rules472 p.7: components[0].requires[0].component", "Rules472 p.7: components[1].requires[0].component"}},
		{"an enrichment field no prerequisite produces", []chain.Component{component("a"), func() chain.Component {
			c := component("b", "a")
			c.Requires[0].Fields = []string{"child_iin"}
			return c
		}()}, []string{`Rules472 p.7: components[1].requires[0].fields: invalid input: "a" does not produce "child_iin"`}},
		{"duplicates and a lone component", []chain.Component{component("a"), component("a")},
			[]string{"Rules472 p.2: components[1].id"}},
		{"missing term, bad fee, grounds, channels and appeal", []chain.Component{component("a"), func() chain.Component {
			c := component("b", "a")
			c.Term = deadlines.Term{}
			c.Conditions = []chain.Condition{{When: "", Term: deadlines.Term{Kind: deadlines.WorkingDays, N: -1}}}
			c.Fee = chain.Fee{Paid: true}
			c.Grounds = []chain.Ground{{Code: "x"}, {Code: "x"}}
			c.Result = chain.Result{Channels: []chain.Channel{"pigeon"}}
			c.Appeal = chain.Appeal{}
			return c
		}()}, []string{
			"Rules472 p.5: components[1].term", "Rules472 p.5: components[1].conditions[0].when", "components[1].conditions[0].term",
			"Rules472 p.6: components[1].fee.amount_tiyn", "Rules472 p.10: components[1].grounds[1].code",
			"Rules472 p.11: components[1].result.form", "Rules472 p.13: components[1].result.channels",
			"Rules472 p.12: components[1].appeal.route", "components[1].appeal.term",
		}},
		{"a free component with a cost", []chain.Component{component("a"), func() chain.Component {
			c := component("b")
			c.Fee = chain.Fee{AmountTiyn: 100}
			return c
		}()}, []string{"Rules472 p.6: components[1].fee: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := chain.NewBuilder("x", names).Add(tt.components...).Definition()
			require.ErrorIs(t, err, chain.ErrInvalid)
			for _, w := range tt.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
	_, err := chain.NewBuilder("", deadlines.Names{}).Definition()
	for _, f := range []string{"Rules472 p.2: id", "Rules472 p.2: names", "Rules472 p.2: components"} {
		require.Contains(t, err.Error(), f)
	}
}

func TestParseDefinitionRejectsMalformedJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"id":`, `{"id":"x","colour":"red"}`, `{} {}`, `{"components":[{"term":{"kind":"fortnight"}}]}`} {
		_, err := chain.ParseDefinition([]byte(in))
		require.ErrorIs(t, err, chain.ErrInvalid, in)
	}
}

func FuzzParseDefinition(f *testing.F) {
	raw, err := demo.JSON("birth-of-a-child.json")
	require.NoError(f, err)
	f.Add(raw)
	f.Add([]byte(`{"id":"x","names":{"kk":"k","ru":"r"},"components":[]}`))
	f.Add([]byte(`{"id":"x","components":[{"id":"a","requires":[{"component":"a"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := chain.ParseDefinition(b)
		if err != nil {
			require.ErrorIs(t, err, chain.ErrInvalid)
			return
		}
		// A valid definition survives a round trip and has a root.
		again, err := json.Marshal(d)
		require.NoError(t, err)
		back, err := chain.ParseDefinition(again)
		require.NoError(t, err)
		require.Equal(t, len(d.Components), len(back.Components))
		require.NotEmpty(t, d.Roots(), "an acyclic graph has a root")
	})
}

// BenchmarkValidate validates a 1,000-component definition: a layered DAG
// where every component needs up to three earlier ones.
func BenchmarkValidate(b *testing.B) {
	cs := make([]chain.Component, 1000)
	for i := range cs {
		var req []string
		for _, j := range []int{i - 1, i - 7, i - 31} {
			if j >= 0 {
				req = append(req, "c"+strconv.Itoa(j))
			}
		}
		cs[i] = component("c"+strconv.Itoa(i), req...)
	}
	d := &chain.Definition{ID: "big", Names: deadlines.Names{KK: "k", RU: "r"}, Components: cs}
	require.NoError(b, d.Validate())
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleParseDefinition() {
	raw, _ := demo.JSON("birth-of-a-child.json")
	d, err := chain.ParseDefinition(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first:", d.Roots())
	for _, id := range d.Dependants("birth-registration") {
		c, _ := d.Component(id)
		fmt.Printf("then: %s (%s), enriched with %v\n", c.Names.EN, c.Term, c.Requires[0].Fields)
	}
	// Output:
	// first: [birth-registration]
	// then: One-time birth allowance (within 7 working days (Rules472 p.5)), enriched with [child_iin]
	// then: Kindergarten queue (immediately (Rules472 p.5)), enriched with [child_iin]
}

func TestRules472_P6_PaidComponentsCarryCostMethodAndReceipt(t *testing.T) {
	t.Parallel()
	raw, err := demo.JSON("marriage.json")
	require.NoError(t, err)
	d, err := chain.ParseDefinition(raw)
	require.NoError(t, err)
	require.Equal(t, []string{"marriage-registration"}, d.Roots())
	reg, _ := d.Component("marriage-registration")
	require.True(t, reg.Fee.Paid)
	require.Equal(t, int64(786400), reg.Fee.AmountTiyn, "2 MCI in 2025: 7,864 tenge")
	require.Equal(t, []chain.PaymentMethod{chain.NonCash}, reg.Fee.Methods)
	id, _ := d.Component("identity-document")
	require.Equal(t, []string{"marriage_record_number", "new_surname"}, id.Requires[0].Fields)
	require.Equal(t, []chain.Channel{chain.Paper}, id.Result.Channels, "issued on paper only (p.13)")

	reg.Fee.Methods = []chain.PaymentMethod{"barter"}
	_, err = chain.NewBuilder(d.ID, d.Names).Add(reg, id).Definition()
	require.ErrorContains(t, err, `Rules472 p.6: components[0].fee.methods: invalid input: unknown payment method "barter"`)
}
