package e2e

import (
	"testing"

	"github.com/actiongate/actiongate"
)

// odataJSON is the header an SAP Gateway OData v2 service answers JSON to.
var odataJSON = map[string]string{"Accept": "application/json"}

// TestCatalogSAPBusinessPartner checks every SAP_BUSINESSPARTNER action
// against the API_BUSINESS_PARTNER OData v2 service reference
// (https://api.sap.com/api/API_BUSINESS_PARTNER/overview): entity sets and
// key predicates under the service's base endpoint, OData query options,
// JSON in the v2 "d" envelope.
func TestCatalogSAPBusinessPartner(t *testing.T) {
	t.Parallel()
	meta := func(set, key string) string {
		return `"__metadata":{"id":"https://host:443/sap/opu/odata/sap/API_BUSINESS_PARTNER/` + set + `(` + key + `)","uri":"https://host:443/sap/opu/odata/sap/API_BUSINESS_PARTNER/` + set + `(` + key + `)","type":"API_BUSINESS_PARTNER.` + set + `Type"}`
	}
	partner := `{` + meta("A_BusinessPartner", "'1000000'") + `,"BusinessPartner":"1000000","Customer":"1000000","BusinessPartnerCategory":"2","BusinessPartnerFullName":"Inlandskunde DE 1","OrganizationBPName1":"Inlandskunde DE 1","CreationDate":"\/Date(1471824000000)\/"}`
	address := `{` + meta("A_BusinessPartnerAddress", "BusinessPartner='1000000',AddressID='22720'") + `,"BusinessPartner":"1000000","AddressID":"22720","CityName":"Berlin","Country":"DE","PostalCode":"10117","StreetName":"Unter den Linden"}`
	role := `{` + meta("A_BusinessPartnerRole", "BusinessPartner='1000000',BusinessPartnerRole='FLCU01'") + `,"BusinessPartner":"1000000","BusinessPartnerRole":"FLCU01","ValidFrom":"\/Date(1471824000000)\/","ValidTo":"\/Date(253402214400000)\/"}`
	testShapes(t, actiongate.TypeSAPBusinessPartner, basicAuth, "/sap/opu/odata/sap/API_BUSINESS_PARTNER", []shape{
		{action: "GetBusinessPartner", input: `{"filter":"BusinessPartnerCategory eq '2'","select":"BusinessPartner,BusinessPartnerFullName","top":2,"skip":0,"inlinecount":"allpages"}`,
			method: "GET", path: "/A_BusinessPartner", header: odataJSON,
			query:  "%24filter=BusinessPartnerCategory+eq+%272%27&%24select=BusinessPartner%2CBusinessPartnerFullName&%24top=2&%24skip=0&%24inlinecount=allpages",
			answer: `{"d":{"__count":"2811","results":[` + partner + `],"__next":"https://host:443/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner?$skiptoken=2"}}`},
		{action: "GetBusinessPartnerAddress", input: `{"filter":"Country eq 'DE'","top":1}`,
			method: "GET", path: "/A_BusinessPartnerAddress", query: "%24filter=Country+eq+%27DE%27&%24top=1", header: odataJSON,
			answer: `{"d":{"results":[` + address + `]}}`},
		{action: "GetBusinessPartnerRole", input: `{"filter":"BusinessPartnerRole eq 'FLCU01'","orderby":"BusinessPartner desc"}`,
			method: "GET", path: "/A_BusinessPartnerRole", query: "%24filter=BusinessPartnerRole+eq+%27FLCU01%27&%24orderby=BusinessPartner+desc", header: odataJSON,
			answer: `{"d":{"results":[` + role + `]}}`},
		{action: "GetBusinessPartnerByID", input: `{"BusinessPartner":"1000000","expand":"to_BusinessPartnerAddress"}`,
			method: "GET", path: "/A_BusinessPartner('1000000')", query: "%24expand=to_BusinessPartnerAddress", header: odataJSON,
			answer: `{"d":` + partner + `}`},
		{action: "GetBusinessPartnerRoleByID", input: `{"BusinessPartner":"1000000","BusinessPartnerRole":"FLCU01"}`,
			method: "GET", path: "/A_BusinessPartnerRole(BusinessPartner='1000000',BusinessPartnerRole='FLCU01')", header: odataJSON,
			answer: `{"d":` + role + `}`},
	})
}

// TestCatalogSAPProductMasterData checks every SAP_PRODUCTMASTERDATA action
// against the API_PRODUCT_SRV reference (https://api.sap.com/api/API_PRODUCT_SRV/overview).
func TestCatalogSAPProductMasterData(t *testing.T) {
	t.Parallel()
	product := `{"__metadata":{"id":"https://host:443/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product('TG11')","uri":"https://host:443/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product('TG11')","type":"API_PRODUCT_SRV.A_ProductType"},"Product":"TG11","ProductType":"HAWA","BaseUnit":"PC","ProductGroup":"L001","GrossWeight":"1.000","WeightUnit":"KG"}`
	plant := `{"__metadata":{"type":"API_PRODUCT_SRV.A_ProductPlantType"},"Product":"TG11","Plant":"1010","PurchasingGroup":"001","ProfitCenter":"YB101","MRPType":"PD"}`
	testShapes(t, actiongate.TypeSAPProductMasterData, basicAuth, "/sap/opu/odata/sap/API_PRODUCT_SRV", []shape{
		{action: "GetProductMaster", input: `{"filter":"ProductType eq 'HAWA'","top":1}`,
			method: "GET", path: "/A_Product", query: "%24filter=ProductType+eq+%27HAWA%27&%24top=1", header: odataJSON,
			answer: `{"d":{"results":[` + product + `]}}`},
		{action: "GetPlantDataByMaterial", input: `{"Product":"TG11","select":"Plant,MRPType"}`,
			method: "GET", path: "/A_Product('TG11')/to_Plant", query: "%24select=Plant%2CMRPType", header: odataJSON,
			answer: `{"d":{"results":[` + plant + `]}}`},
		{action: "GetSupplyPlanningDataByMaterial", input: `{"Product":"TG11","Plant":"1010"}`,
			method: "GET", path: "/A_ProductSupplyPlanning(Product='TG11',Plant='1010')", header: odataJSON,
			answer: `{"d":{"__metadata":{"type":"API_PRODUCT_SRV.A_ProductSupplyPlanningType"},"Product":"TG11","Plant":"1010","MRPType":"PD","MRPResponsible":"001","LotSizingProcedure":"EX","SafetyStockQuantity":"0.000"}}`},
	})
}

// TestCatalogSAPPhysicalInventory checks the SAP_PHYSICALINVENTORY action
// against the API_PHYSICAL_INVENTORY_DOC_SRV reference
// (https://api.sap.com/api/API_PHYSICAL_INVENTORY_DOC_SRV/overview).
func TestCatalogSAPPhysicalInventory(t *testing.T) {
	t.Parallel()
	testShapes(t, actiongate.TypeSAPPhysicalInventory, basicAuth, "/sap/opu/odata/sap/API_PHYSICAL_INVENTORY_DOC_SRV", []shape{
		{action: "GetPhysInventoryDocItem", input: `{"filter":"Plant eq '1010' and FiscalYear eq '2024'","top":50}`,
			method: "GET", path: "/A_PhysInventoryDocItem", query: "%24filter=Plant+eq+%271010%27+and+FiscalYear+eq+%272024%27&%24top=50", header: odataJSON,
			answer: `{"d":{"results":[{"__metadata":{"type":"API_PHYSICAL_INVENTORY_DOC_SRV.A_PhysInventoryDocItemType"},"FiscalYear":"2024","PhysicalInventoryDocument":"100000012","PhysicalInventoryDocumentItem":"1","Material":"TG11","Plant":"1010","StorageLocation":"101A","BookQtyBfrCountInMatlBaseUnit":"20.000","Quantity":"19.000","UnitOfEntry":"PC"}]}}`},
	})
}

// TestCatalogSAPBillOfMaterials checks the SAP_BILLOFMATERIALS action
// against the API_BILL_OF_MATERIAL_SRV reference
// (https://api.sap.com/api/API_BILL_OF_MATERIAL_SRV/overview).
func TestCatalogSAPBillOfMaterials(t *testing.T) {
	t.Parallel()
	testShapes(t, actiongate.TypeSAPBillOfMaterials, basicAuth, "/sap/opu/odata/sap/API_BILL_OF_MATERIAL_SRV;v=0002", []shape{
		{action: "GetMaterialBOMItem", input: `{"filter":"Material eq 'FG126' and Plant eq '1010'","select":"BillOfMaterialComponent,BillOfMaterialItemQuantity,BillOfMaterialItemUnit"}`,
			method: "GET", path: "/MaterialBOMItem", header: odataJSON,
			query:  "%24filter=Material+eq+%27FG126%27+and+Plant+eq+%271010%27&%24select=BillOfMaterialComponent%2CBillOfMaterialItemQuantity%2CBillOfMaterialItemUnit",
			answer: `{"d":{"results":[{"__metadata":{"type":"API_BILL_OF_MATERIAL_SRV.MaterialBOMItemType"},"BillOfMaterialComponent":"RM126","BillOfMaterialItemQuantity":"2.000","BillOfMaterialItemUnit":"PC"}]}}`},
	})
}

// TestCatalogSAPMaterialStock checks the SAP_MATERIALSTOCK action against
// the API_MATERIAL_STOCK_SRV reference
// (https://api.sap.com/api/API_MATERIAL_STOCK_SRV/overview).
func TestCatalogSAPMaterialStock(t *testing.T) {
	t.Parallel()
	testShapes(t, actiongate.TypeSAPMaterialStock, basicAuth, "/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV", []shape{
		{action: "GetMaterialStockInAccount", input: `{"filter":"Material eq 'TG11' and Plant eq '1010'","top":10}`,
			method: "GET", path: "/A_MatlStkInAcctMod", query: "%24filter=Material+eq+%27TG11%27+and+Plant+eq+%271010%27&%24top=10", header: odataJSON,
			answer: `{"d":{"results":[{"__metadata":{"type":"API_MATERIAL_STOCK_SRV.A_MatlStkInAcctModType"},"Material":"TG11","Plant":"1010","StorageLocation":"101A","Batch":"","InventoryStockType":"01","InventorySpecialStockType":"","MaterialBaseUnit":"PC","MatlWrhsStkQtyInMatlBaseUnit":"125.000"}]}}`},
	})
}
