package cms_test

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/qyzmet/qyzmet/adapters/cms"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
)

// A provider receives an application signed with a CMS and checks it
// against the national certificate authority's root before acting on it.
func ExampleVerifier_Verify() {
	t := panicky{} // the test helpers stand in for NCA RK and the citizen's key
	root := newCA(t, "NCA TEST ROOT")
	citizen := root.leaf(t, certOpts{Name: "ТЕСТОВ ТЕСТ", IIN: "850101300005"})
	signature := sign(t, application, citizen, signOpts{Detached: true})

	roots := x509.NewCertPool()
	roots.AddCert(root.cert)
	var verifier chain.SignatureVerifier = cms.New(roots, deadlines.SystemClock{})

	ev, err := verifier.Verify(context.Background(), application, signature)
	if err != nil {
		fmt.Println("could not verify:", err)
		return
	}
	fmt.Println(ev.Valid, ev.SignerIIN, ev.SignerName, ev.Verifier)

	ev, _ = verifier.Verify(context.Background(), []byte("a forged application"), signature)
	fmt.Println(ev.Valid, ev.Reason)
	// Output:
	// true 850101300005 ТЕСТОВ ТЕСТ cms
	// false the content does not match the signature (message digest mismatch)
}
