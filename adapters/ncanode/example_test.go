package ncanode_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/qyzmet/qyzmet/adapters/ncanode"
	"github.com/qyzmet/qyzmet/chain"
)

// A provider asks the NCANode server next to it to verify a GOST-signed
// application; here a stand-in server gives NCANode's documented answer.
func ExampleClient_Verify() {
	answer, err := os.ReadFile("testdata/verify-valid.json")
	if err != nil {
		panic(err)
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer server.Close()

	client, err := ncanode.New(server.URL, ncanode.WithRevocationCheck(ncanode.CheckOCSP))
	if err != nil {
		panic(err)
	}
	var verifier chain.SignatureVerifier = client

	application := []byte(`{"service":"birth-of-a-child"}`)
	cms := []byte{0x30, 0x80} // the citizen's detached CMS, from the signing tool
	ev, err := verifier.Verify(context.Background(), application, cms)
	if err != nil {
		fmt.Println("ask again later:", err)
		return
	}
	fmt.Println(ev.Valid, ev.SignerIIN, ev.SignerName, ev.Revocation, ev.SigningTime.Format("2006-01-02 15:04"), ev.Verifier)
	// Output:
	// true 850101300005 ТЕСТОВ ТЕСТ good 2024-06-03 04:15 ncanode
}
