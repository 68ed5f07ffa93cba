// Knowledge tab: files dropped on the drop zone ([data-drop-zone]) go into the upload form's file input and the form
// is submitted, as if chosen and uploaded. Without this script the plain file input and "Upload" button work the same.
// Delegated from the document, so it also works on content Blazor's enhanced navigation puts in the page later.
(() => {
    const zoneOf = (event) => event.target instanceof Element ? event.target.closest('[data-drop-zone]') : null;

    for (const type of ['dragenter', 'dragover']) {
        document.addEventListener(type, (event) => {
            const zone = zoneOf(event);
            if (!zone) {
                return;
            }

            event.preventDefault();
            if (event.dataTransfer) {
                event.dataTransfer.dropEffect = 'copy';
            }
            zone.classList.add('drop-zone-active');
        });
    }

    document.addEventListener('dragleave', (event) => {
        const zone = zoneOf(event);
        if (zone && !(event.relatedTarget instanceof Node && zone.contains(event.relatedTarget))) {
            zone.classList.remove('drop-zone-active');
        }
    });

    document.addEventListener('drop', (event) => {
        const zone = zoneOf(event);
        if (!zone) {
            return;
        }

        event.preventDefault();
        zone.classList.remove('drop-zone-active');
        const form = zone.closest('form');
        const input = zone.querySelector('input[type="file"]');
        const files = event.dataTransfer ? event.dataTransfer.files : null;
        if (!form || !input || !files || files.length === 0) {
            return;
        }

        // A FileList cannot be built directly: a DataTransfer makes one the input accepts.
        const transfer = new DataTransfer();
        for (const file of files) {
            transfer.items.add(file);
        }
        input.files = transfer.files;
        form.requestSubmit();
    });
})();
