// Busy state for forms marked data-busy="Paying…": once submitted, the form is aria-busy and its submit button shows
// the busy text (the button's own data-busy, when a form has several) and is disabled (no second order from a double click). The idle text, which is the button's accessible
// name, comes back when the page is shown again from the back/forward cache or after an enhanced navigation.
// A file of its own: the Content-Security-Policy allows scripts from 'self' only.
(() => {
    const idleText = new WeakMap();

    function busy(form, button) {
        form.setAttribute("aria-busy", "true");
        idleText.set(button, button.textContent);
        button.textContent = button.dataset.busy || form.dataset.busy;
        // After the submit event: the browser has taken the form's data by then.
        setTimeout(() => { button.disabled = true; }, 0);
    }

    function idle() {
        for (const form of document.querySelectorAll("form[data-busy][aria-busy='true']")) {
            form.removeAttribute("aria-busy");
            for (const button of form.querySelectorAll("button")) {
                if (idleText.has(button)) {
                    button.textContent = idleText.get(button);
                    idleText.delete(button);
                }
                button.disabled = false;
            }
        }
    }

    document.addEventListener("submit", event => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.dataset.busy || form.getAttribute("aria-busy") === "true") {
            return;
        }

        const button = event.submitter ?? form.querySelector("button[type='submit'], button:not([type])");
        if (button instanceof HTMLButtonElement) {
            busy(form, button);
        }
    });

    window.addEventListener("pageshow", idle);
    window.Blazor?.addEventListener?.("enhancedload", idle);
})();
