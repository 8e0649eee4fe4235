"""The words of the pages in the two languages of the data (the source is Spanish, labels also English)."""

from __future__ import annotations

LANGUAGES = ("en", "es")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home",
        "dataset_title": "UNTOC Conference of the Parties: knowledge graph",
        "dataset_intro": "Mandates, working groups, meetings and reports of the Conference of the Parties to the "
                         "United Nations Convention against Transnational Organized Crime, each fact traced to the "
                         "paragraph of the document that states it.",
        "mandates": "Mandates", "groups": "Working groups", "meetings": "Meetings", "reports": "Reports", "documents": "Documents",
        "triples": "triples", "graphs": "source graphs", "sources": "Sources",
        "entry_points": "Entry points", "sparql": "SPARQL endpoint", "dumps": "Downloads (dumps)",
        "ontology": "Ontology", "shapes": "Shapes (SHACL)", "void": "Dataset description (VoID, DCAT)",
        "search": "Search", "search_hint": "a symbol or part of a name", "search_button": "Search",
        "results": "results", "no_results": "Nothing matches.",
        "properties": "Properties", "referenced_by": "Referenced by", "provenance": "Provenance",
        "paragraph": "paragraph", "official_copy": "Official copy", "other_formats": "Other formats",
        "timeline": "Meetings", "page": "page", "of": "of", "previous": "previous", "next": "next",
        "sort": "Sort by", "date": "date", "label": "name", "newest": "newest first", "oldest": "oldest first",
        "not_found": "Not found", "not_found_text": "Nothing in this dataset has the address",
        "try_search": "Try searching by symbol or name:", "type": "Type", "held": "held", "scheduled": "scheduled",
        "classes": "Classes", "object_properties": "Object properties", "datatype_properties": "Datatype properties",
        "individuals": "Individuals", "other_terms": "Other terms", "domain": "domain", "range": "range",
        "subclass_of": "subclass of", "subproperty_of": "subproperty of", "inverse_of": "inverse of",
        "equivalent": "equivalent to", "characteristics": "characteristics", "instance_of": "instance of",
        "target_class": "target class", "constraints": "constraints", "path": "path",
        "file": "file", "format": "format", "size": "size", "bytes": "bytes", "checksum": "SHA-256",
        "statements": "statements", "licence": "licence", "uri_space": "URI space", "examples": "example resources",
        "vocabularies": "vocabularies", "class_partitions": "instances per class", "language": "Language",
        "symbol": "symbol", "bad_request": "Bad request", "built": "Store built", "summary": "In brief",
        "per_year": "Meetings per year", "ordinal": "No.", "dates": "Dates", "place": "Place",
        "reported_by": "reported by", "dated": "of",
    },
    "es": {
        "home": "Inicio",
        "dataset_title": "Conferencia de las Partes en la UNTOC: grafo de conocimiento",
        "dataset_intro": "Mandatos, grupos de trabajo, reuniones e informes de la Conferencia de las Partes en la "
                         "Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional; cada "
                         "dato remite al párrafo del documento que lo enuncia.",
        "mandates": "Mandatos", "groups": "Grupos de trabajo", "meetings": "Reuniones", "reports": "Informes", "documents": "Documentos",
        "triples": "tripletas", "graphs": "grafos de origen", "sources": "Fuentes",
        "entry_points": "Puntos de entrada", "sparql": "Punto de acceso SPARQL", "dumps": "Descargas (volcados)",
        "ontology": "Ontología", "shapes": "Formas (SHACL)", "void": "Descripción del conjunto de datos (VoID, DCAT)",
        "search": "Buscar", "search_hint": "una signatura o parte de un nombre", "search_button": "Buscar",
        "results": "resultados", "no_results": "No hay coincidencias.",
        "properties": "Propiedades", "referenced_by": "Referido por", "provenance": "Procedencia",
        "paragraph": "párrafo", "official_copy": "Copia oficial", "other_formats": "Otros formatos",
        "timeline": "Reuniones", "page": "página", "of": "de", "previous": "anterior", "next": "siguiente",
        "sort": "Ordenar por", "date": "fecha", "label": "nombre", "newest": "más recientes primero",
        "oldest": "más antiguos primero",
        "not_found": "No encontrado", "not_found_text": "Nada en este conjunto de datos tiene la dirección",
        "try_search": "Pruebe a buscar por signatura o nombre:", "type": "Tipo", "held": "celebrada",
        "scheduled": "prevista",
        "classes": "Clases", "object_properties": "Propiedades de objeto", "datatype_properties": "Propiedades de datos",
        "individuals": "Individuos", "other_terms": "Otros términos", "domain": "dominio", "range": "rango",
        "subclass_of": "subclase de", "subproperty_of": "subpropiedad de", "inverse_of": "inversa de",
        "equivalent": "equivalente a", "characteristics": "características", "instance_of": "instancia de",
        "target_class": "clase objetivo", "constraints": "restricciones", "path": "ruta",
        "file": "archivo", "format": "formato", "size": "tamaño", "bytes": "bytes", "checksum": "SHA-256",
        "statements": "declaraciones", "licence": "licencia", "uri_space": "espacio de URI",
        "examples": "recursos de ejemplo", "vocabularies": "vocabularios", "class_partitions": "instancias por clase",
        "language": "Idioma", "symbol": "signatura", "bad_request": "Solicitud incorrecta", "built": "Almacén construido",
        "summary": "En resumen",
        "per_year": "Reuniones por año", "ordinal": "Núm.", "dates": "Fechas", "place": "Lugar",
        "reported_by": "según", "dated": "de fecha",
    },
}
