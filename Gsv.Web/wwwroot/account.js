// Account pages: "Copy" buttons (data-copy = the id of the field to copy). Delegated from the document, so it also
// works on content Blazor's enhanced navigation puts in the page later.
document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) {
        return;
    }

    const field = document.getElementById(button.dataset.copy);
    if (!field) {
        return;
    }

    try {
        await navigator.clipboard.writeText(field.value);
    } catch {
        // No clipboard API (a page served over plain HTTP to another host): the older way.
        field.select();
        document.execCommand('copy');
    }

    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});
