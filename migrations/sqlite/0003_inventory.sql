-- 0003_inventory.sql (SQLite): products, versions and their SBOMs (components, dependency
-- edges, the document itself), suppliers, customers and deployments, advisories with their
-- affected package ranges, the stored matches between the two, and VEX statements.
-- Times are integer microseconds since the Unix epoch, UTC.  Package keys (pkg_type,
-- pkg_namespace, pkg_name) are the canonical purl's components; pkg_namespace is '' when
-- the purl has none, so the keys compare with '='.
CREATE TABLE products (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	model TEXT NOT NULL DEFAULT '',
	vendor TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (name, model, vendor)
);
CREATE TABLE product_versions (
	id INTEGER PRIMARY KEY,
	product_id INTEGER NOT NULL REFERENCES products(id),
	version TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (product_id, version)
);
CREATE TABLE sboms (
	version_id INTEGER PRIMARY KEY REFERENCES product_versions(id),
	format TEXT NOT NULL,
	spec_version TEXT NOT NULL,
	serial TEXT,
	document BLOB NOT NULL,
	doc_hash TEXT NOT NULL,
	components INTEGER NOT NULL,
	edges INTEGER NOT NULL,
	diagnostics TEXT NOT NULL DEFAULT '[]',
	imported_at INTEGER NOT NULL
);
CREATE TABLE suppliers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	jurisdiction TEXT NOT NULL DEFAULT '',
	contacts TEXT NOT NULL DEFAULT '[]',
	source TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE supplier_packages (
	supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
	pkg_type TEXT NOT NULL,
	pkg_namespace TEXT NOT NULL DEFAULT '',
	pkg_name TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (pkg_type, pkg_namespace, pkg_name)
) WITHOUT ROWID;
CREATE INDEX supplier_packages_supplier ON supplier_packages(supplier_id);
CREATE TABLE components (
	id INTEGER PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES product_versions(id),
	idx INTEGER NOT NULL,
	parent_idx INTEGER,
	bom_ref TEXT,
	kind TEXT NOT NULL,
	type TEXT NOT NULL,
	grp TEXT,
	name TEXT NOT NULL,
	version TEXT,
	purl TEXT,
	pkg_type TEXT,
	pkg_namespace TEXT NOT NULL DEFAULT '',
	pkg_name TEXT,
	pkg_version TEXT,
	supplier TEXT,
	supplier_id INTEGER REFERENCES suppliers(id),
	hashes TEXT,
	licenses TEXT,
	UNIQUE (version_id, idx)
);
CREATE INDEX components_pkg ON components(pkg_type, pkg_namespace, pkg_name);
CREATE TABLE component_edges (
	version_id INTEGER NOT NULL REFERENCES product_versions(id),
	from_idx INTEGER NOT NULL,
	to_idx INTEGER NOT NULL,
	kind INTEGER NOT NULL,
	PRIMARY KEY (version_id, from_idx, to_idx, kind)
) WITHOUT ROWID;
CREATE TABLE customers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	jurisdiction TEXT NOT NULL DEFAULT '',
	contacts TEXT NOT NULL DEFAULT '[]',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE deployments (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers(id),
	version_id INTEGER NOT NULL REFERENCES product_versions(id),
	created_at INTEGER NOT NULL,
	UNIQUE (customer_id, version_id)
);
CREATE INDEX deployments_version ON deployments(version_id);
CREATE TABLE advisories (
	id INTEGER PRIMARY KEY,
	ident TEXT NOT NULL UNIQUE,
	source TEXT NOT NULL,
	aliases TEXT NOT NULL DEFAULT '[]',
	summary TEXT,
	published TEXT,
	modified TEXT,
	withdrawn TEXT,
	doc_hash TEXT NOT NULL,
	imported_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE advisory_ranges (
	id INTEGER PRIMARY KEY,
	advisory_id INTEGER NOT NULL REFERENCES advisories(id),
	pkg_type TEXT NOT NULL,
	pkg_namespace TEXT NOT NULL DEFAULT '',
	pkg_name TEXT NOT NULL,
	vers TEXT NOT NULL,
	fixed TEXT
);
CREATE INDEX advisory_ranges_pkg ON advisory_ranges(pkg_type, pkg_namespace, pkg_name);
CREATE INDEX advisory_ranges_advisory ON advisory_ranges(advisory_id);
CREATE TABLE matches (
	advisory_id INTEGER NOT NULL REFERENCES advisories(id),
	component_id INTEGER NOT NULL REFERENCES components(id),
	version_id INTEGER NOT NULL,
	PRIMARY KEY (advisory_id, component_id)
) WITHOUT ROWID;
CREATE INDEX matches_version ON matches(version_id, advisory_id);
CREATE INDEX matches_component ON matches(component_id);
CREATE TABLE vex (
	advisory_id INTEGER NOT NULL REFERENCES advisories(id),
	version_id INTEGER NOT NULL REFERENCES product_versions(id),
	status TEXT NOT NULL,
	justification TEXT,
	detail TEXT,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL,
	PRIMARY KEY (advisory_id, version_id)
);
CREATE INDEX vex_version ON vex(version_id);
